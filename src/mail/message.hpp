#pragma once
// Building an RFC 5322 message (internal to skybill_mail; pure, unit-tested).
#include <chrono>
#include <string>
#include <string_view>

#include "skybill/mail/mail.hpp"

namespace skybill::mail {

// The bare address of "Name <user@host>" or "user@host". Throws std::invalid_argument when
// it is not one ASCII addr-spec (no spaces, controls, '<', '>', exactly one '@' inside).
std::string bare_address(std::string_view mailbox);

// Standard base64 (RFC 4648), one line.
std::string base64(std::string_view data);

// An unstructured header field "Name: value", folded to lines of at most 78 characters,
// without the final CRLF. A value that is short printable ASCII stays as it is; anything else
// becomes RFC 2047 encoded-words (UTF-8, base64), split between whole characters.
std::string header_field(std::string_view name, std::string_view value);

// "Sat, 21 Nov 2026 18:00:00 +0000".
std::string rfc5322_date(std::chrono::system_clock::time_point t);

// The whole message, CRLF line ends, body as base64 text/plain; charset=utf-8. Throws
// std::invalid_argument on CR/LF in to, subject or message_id, on an invalid address or an
// empty or malformed message_id.
std::string format_message(std::string_view from, const Message& m, std::chrono::system_clock::time_point date);

}  // namespace skybill::mail
