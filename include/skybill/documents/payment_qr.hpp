#pragma once
// The payment string of GOST R 56042-2014 that an invoice prints as a QR code, so that a
// banking app fills the transfer in: "ST00012|Name=…|PersonalAcc=…|BankName=…|BIC=…|CorrespAcc=…|
// Sum=…|Purpose=…|PayeeINN=…|KPP=…". A pure function: no I/O.
#include <cstdint>
#include <optional>
#include <string>

namespace skybill::documents {

struct PaymentDetails {
  // Required, in this order in the string.
  std::string name;          // the payee, at most 160 characters
  std::string personal_acc;  // the payee's account, 20 digits
  std::string bank_name;     // at most 45 characters
  std::string bic;           // 9 digits
  std::string corresp_acc;   // the bank's correspondent account, 20 digits
  // Optional: left out when empty / absent.
  std::optional<std::int64_t> sum_kopecks;  // 0 .. 18 digits
  std::string purpose;                      // at most 160 characters
  std::string payee_inn;                    // 10 or 12 digits
  std::string kpp;                          // 9 characters: 4 digits, 2 digits or capital letters, 3 digits
  std::string payer_inn;                    // 10 or 12 digits
};

// The string, UTF-8 (encoding tag 2). The separator is '|' unless a value holds one; then the
// first of # ; : ^ _ ~ { } ! $ % & ( ) * + , / @ that no value holds. Throws core::Problem
// (422 validation-failed) naming every field that breaks a rule of the standard, and when the
// required block (header and the five required fields) exceeds 300 bytes.
std::string payment_qr_string(const PaymentDetails& details);

}  // namespace skybill::documents
