// The payment QR code read back by a real decoder (zbarimg, from Debian's zbar-tools), as a
// banking app would read it off the printed invoice.
#include "skybill/documents/qr.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>

#include "samples.hpp"
#include "skybill/documents/payment_qr.hpp"

namespace skybill::documents {
namespace {

// A binary PGM of the code, `scale` pixels a module, with the 4-module quiet zone.
std::string write_pgm(const QrCode& qr, int scale) {
  const int quiet = 4, side = (qr.size + 2 * quiet) * scale;
  std::string pixels(static_cast<std::size_t>(side) * side, static_cast<char>(255));
  for (int y = 0; y < qr.size; ++y)
    for (int x = 0; x < qr.size; ++x)
      if (qr.at(x, y))
        for (int dy = 0; dy < scale; ++dy)
          for (int dx = 0; dx < scale; ++dx)
            pixels[static_cast<std::size_t>((y + quiet) * scale + dy) * side + (x + quiet) * scale + dx] = 0;
  char path[] = "/tmp/skybill-qr-XXXXXX.pgm";
  int fd = mkstemps(path, 4);
  if (fd < 0) throw std::runtime_error("mkstemps failed");
  close(fd);
  std::ofstream out(path, std::ios::binary);
  out << "P5\n" << side << " " << side << "\n255\n" << pixels;
  return path;
}

// What zbarimg reads off the image (its --raw output without the final newline).
std::string decode(const std::string& image) {
  std::string cmd = "zbarimg --quiet --raw -Sbinary '" + image + "' 2>/dev/null";  // it warns on stderr when no D-Bus runs
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

PaymentDetails invoice_payment() {
  auto d = samples::gateway_payment();
  d.sum_kopecks = 1149950;
  d.purpose = "Оплата по счету № DA-2026-000001, в т.ч. НДС 999.16";
  d.payee_inn = "7707083893";
  d.kpp = "770701001";
  return d;
}

TEST(QrCode, AnInvoicesPaymentStringReadsBackExactly) {
  auto text = payment_qr_string(invoice_payment());
  auto qr = qr_code(text);
  EXPECT_GE(qr.size, 21);
  EXPECT_EQ((qr.size - 17) % 4, 0) << "a QR version's side is 17 + 4v modules";
  auto image = write_pgm(qr, 4);
  EXPECT_EQ(decode(image), text);
  std::remove(image.c_str());
}

TEST(QrCode, TheLongestPaymentStringStillFitsAndReadsBack) {
  auto d = invoice_payment();
  d.name = std::string(150, 'N');
  d.purpose = "";
  for (int i = 0; i < 160; ++i) d.purpose += "Я";
  d.payer_inn = "772816897123";
  auto text = payment_qr_string(d);
  auto image = write_pgm(qr_code(text), 3);
  EXPECT_EQ(decode(image), text);
  std::remove(image.c_str());
}

TEST(QrCode, EmptyOrTooLongTextIsRefused) {
  EXPECT_THROW(qr_code(""), std::invalid_argument);
  EXPECT_THROW(qr_code(std::string(3000, 'x')), std::invalid_argument) << "past version 40 at level M";
}

}  // namespace
}  // namespace skybill::documents
