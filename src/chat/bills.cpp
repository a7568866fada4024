// Placeholder until the bills land (issue 15): no routes yet.
#include "skybill/chat/bills.hpp"

namespace skybill::chat {

void add_bill_routes(http::Router&, const Context&) {}
void bill_invoice_paid(db::Tx&, const std::string&, core::TimePoint) {}

}  // namespace skybill::chat
