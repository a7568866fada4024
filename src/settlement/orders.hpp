#pragma once
// Payment orders of payouts and refunds by transfer: export, sent, failed (staff use cases).
#include <nlohmann/json.hpp>
#include <string>

#include "detail.hpp"
#include "skybill/settlement/settlement.hpp"

namespace skybill::settlement {

// Numbers every payout and refund-by-transfer waiting for a payment order, marks them exported
// and records the export; orders the writer would refuse (no payee account, ...) are skipped and
// listed. 409 when nothing can be exported.
nlohmann::json export_orders(db::Tx& tx, const Context& ctx, const std::string& actor, const std::string& request_id);
// `skipped`: null to leave it out.
nlohmann::json export_json(db::Tx& tx, const std::string& export_id, const nlohmann::json& skipped);
// The export as a file: format "1c" (Windows-1251) or "csv".
std::string export_file(db::Tx& tx, const Context& ctx, const std::string& export_id, const std::string& format);
// Staff gave the file to the bank: its payouts and refund legs are sent.
nlohmann::json mark_export_sent(db::Tx& tx, const std::string& export_id, core::TimePoint now, const std::string& actor,
                                const std::string& request_id);
// The bank returned or refused a payout: the airline is owed the money again (next payout).
nlohmann::json fail_payout(db::Tx& tx, const std::string& payout_id, const std::string& merchant_scope,
                           const std::string& reason, core::TimePoint now, const std::string& actor,
                           const std::string& request_id);
// The bank returned or refused a refund by transfer.
nlohmann::json fail_refund_leg(db::Tx& tx, const std::string& refund_id, const std::string& leg_id,
                               const std::string& reason, core::TimePoint now, const std::string& actor,
                               const std::string& request_id);

}  // namespace skybill::settlement
