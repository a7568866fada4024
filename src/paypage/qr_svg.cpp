#include <string>

#include "skybill/documents/qr.hpp"
#include "skybill/paypage/paypage.hpp"

namespace skybill::paypage {

std::string qr_svg(const std::string& text) {
  constexpr int kQuiet = 4;  // modules of light margin a scanner needs (ISO/IEC 18004)
  auto qr = documents::qr_code(text);
  auto side = std::to_string(qr.size + 2 * kQuiet);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ";
  out.append(side).append(" ").append(side).append("\" width=\"").append(std::to_string((qr.size + 2 * kQuiet) * 4));
  out.append("\" height=\"").append(std::to_string((qr.size + 2 * kQuiet) * 4));
  out.append("\" shape-rendering=\"crispEdges\">\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"");
  for (int y = 0; y < qr.size; ++y)
    for (int x = 0; x < qr.size; ++x)
      if (qr.at(x, y))
        out.append("M").append(std::to_string(x + kQuiet)).append(" ").append(std::to_string(y + kQuiet)).append("h1v1h-1z");
  out.append("\"/>\n</svg>\n");
  return out;
}

}  // namespace skybill::paypage
