#pragma once
// The client's hosted invoice page (/pay/{token}): the static page (web/pay/), its JSON view,
// the choice of a payment method through it, the invoice's payment QR code as SVG, and its
// live status as Server-Sent Events. Every route opens the booking through its pay link.
#include <chrono>
#include <memory>

#include "skybill/booking/routes.hpp"
#include "skybill/http/router.hpp"

namespace skybill::http { class StaticFiles; }
namespace skybill::issuing { struct Context; }
namespace skybill::core { class Problem; }

namespace skybill::paypage {

struct Context {
  const booking::RouteContext& bookings;  // pool, clock, public URL and the invoicing enricher
  const issuing::Context& issuing;        // the payee's details, as the invoice PDF prints them
  std::shared_ptr<const http::StaticFiles> web;
  int streams_per_token = 5;
  std::chrono::milliseconds poll{1000};       // how often a status stream looks at the database
  std::chrono::milliseconds heartbeat{15000};  // a comment line when nothing changed this long
};

// What a browser gets for a refused pay link: web/pay/invalid.html with the problem's status
// (404 unknown, 410 expired or revoked); the problem as JSON if the page is missing.
http::Response refused_page(const http::StaticFiles& web, const core::Problem& problem);

// An SVG of a QR code with a quiet zone of 4 modules, one module = 1 unit of its viewBox.
std::string qr_svg(const std::string& text);

// GET /pay/{token}, /pay/{token}/api, /api/qr.svg, /api/events; POST /pay/{token}/api/choice.
void add_routes(http::Router& router, const Context& ctx);

}  // namespace skybill::paypage
