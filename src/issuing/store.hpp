#pragma once
// Documents as rows: numbering, storing, the JSON the API shows, and the outbox event.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "skybill/core/clock.hpp"

namespace pqxx {
class row;
}
namespace skybill::db {
class Tx;
}

namespace skybill::issuing {

// bytea travels as hex (encode/decode in SQL): libpqxx 6 has no portable binary parameters.
std::string to_hex(std::string_view bytes);
std::string from_hex(std::string_view hex);

// The next number of a series and year, "DA-U-2026-000001". The counter row stays locked until
// the transaction ends; commit_number() moves it on, so a document that is not stored leaves
// no gap.
struct Number {
  std::string series, text;
  int year = 0, seq = 0;
};
Number peek_number(db::Tx& tx, const std::string& series, int year);
void commit_number(db::Tx& tx, const Number& n);

struct NewDocument {
  std::string id;  // chosen before rendering: the XML file's GUID
  std::string merchant_id, booking_id, client_id, payout_id;  // empty: none
  std::string kind, source, series, number;
  int year = 0;
  std::string language = "ru", currency;
  std::int64_t total_minor = 0, vat_minor = 0;
  core::TimePoint issued_at;
  long long event_seq = 0;
  std::optional<std::string> corrects;
  nlohmann::json facts;
  std::string pdf;
  std::optional<std::string> xml, xml_file_name;
};

bool source_exists(db::Tx& tx, const std::string& source);
// Inserts the row, its audit row and its document.issued event; returns the document's JSON.
nlohmann::json store_document(db::Tx& tx, const NewDocument& d, const std::string& actor);

// The JSON of a document as the API shows it (without the bytes); nullopt when the caller may
// not see it. merchant_scope empty: staff (any merchant).
std::optional<nlohmann::json> document_json(db::Tx& tx, const std::string& id, const std::string& merchant_scope);
std::string document_columns();
nlohmann::json document_row_json(db::Tx& tx, const pqxx::row& r);

}  // namespace skybill::issuing
