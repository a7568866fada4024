#pragma once
// A QR code as a square of modules, for a document to draw (the invoice's payment QR).
#include <string>
#include <vector>

namespace skybill::documents {

struct QrCode {
  int size = 0;             // modules per side, without the quiet zone
  std::vector<bool> dark;   // row by row, size * size
  bool at(int x, int y) const { return dark[static_cast<std::size_t>(y) * size + x]; }
};

// Encodes `text` byte for byte (the payment string is UTF-8 and says so in its header) at
// error correction level M, the smallest version that holds it (libqrencode). Throws
// std::invalid_argument when the text is empty or too long for any QR code.
QrCode qr_code(const std::string& text);

}  // namespace skybill::documents
