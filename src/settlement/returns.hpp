#pragma once
// Money that reached the gateway's account for nobody (an incoming transfer in the reconciliation
// queue or set aside as unrelated) sent back to its payer by payment order.
#include <nlohmann/json.hpp>
#include <string>

#include "detail.hpp"
#include "skybill/settlement/settlement.hpp"

namespace skybill::settlement {

// Staff decide to send a document's money back: unallocated -> outgoing, the document
// `returned`, a return `created` (exported with the next payment orders). 409 unless the
// document is incoming and in the queue or unrelated.
nlohmann::json return_document(db::Tx& tx, const std::string& document_id, const std::string& reason,
                               core::TimePoint now, const std::string& actor, const std::string& request_id);
nlohmann::json return_json(db::Tx& tx, const std::string& return_id);
// The bank refused or returned it: the money waits on unallocated again, the document is
// `unrelated` again (and may be sent back again).
nlohmann::json fail_return(db::Tx& tx, const std::string& return_id, const std::string& reason, core::TimePoint now,
                           const std::string& actor, const std::string& request_id);
// In the statement import: the outgoing document is this return leaving the bank. True if so.
bool confirm_return(db::Tx& tx, const OutgoingPayment& doc, core::TimePoint now, const std::string& actor);

}  // namespace skybill::settlement
