#include "skybill/documents/qr.hpp"

#include <qrencode.h>

#include <cerrno>
#include <memory>
#include <stdexcept>

namespace skybill::documents {

QrCode qr_code(const std::string& text) {
  if (text.empty()) throw std::invalid_argument("a QR code needs some text");
  errno = 0;
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeData(static_cast<int>(text.size()), reinterpret_cast<const unsigned char*>(text.data()), 0,
                        QR_ECLEVEL_M),
      &QRcode_free);
  if (!code) {
    if (errno == ERANGE) throw std::invalid_argument("the text is too long for a QR code");
    throw std::runtime_error("libqrencode could not encode the text");
  }
  QrCode out;
  out.size = code->width;
  out.dark.resize(static_cast<std::size_t>(out.size) * out.size);
  for (std::size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = code->data[i] & 1;
  return out;
}

}  // namespace skybill::documents
