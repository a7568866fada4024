#pragma once
// Outgoing payment orders (платёжные поручения) the gateway sends to its bank: airline payouts
// and refunds by transfer. Pure: no database, no clock.
//
// Validation (both writers; the first problem found is reported, orders in sequence, fields in
// declaration order): `number` 1..6 digits, not all zeros, unique among the orders of one payer
// account and year; `date` a real date in years 1..9999; `amount_minor` > 0; `currency` "RUB"
// (1C) or an ISO 4217 code (CSV); for payer and payee: `name` not blank, `inn` a valid INN
// (10 or 12 digits, control digits checked), `kpp` empty or a valid KPP, `account` 20 digits,
// `bic` 9 digits, `correspondent_account` empty or 20 digits; `purpose` not blank and at most
// 210 characters (code points). Every text field must be valid UTF-8 without control characters
// (a line break would end the 1C line); `reference` (CSV only) must be valid UTF-8 and may hold
// anything else. The message is "payment order <n> (number "<number>"): <field>: <problem>",
// <n> counting from 1 and <field> as spelt here ("payee.account").
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace skybill::settlement {

struct Requisites {  // one side of a payment order
  std::string name, inn, kpp, account, bank, bic, correspondent_account;
};

struct PaymentOrder {
  std::string number;                    // 1..6 digits, unique per payer and year
  std::chrono::year_month_day date;
  std::int64_t amount_minor = 0;         // > 0, kopecks
  std::string currency = "RUB";          // 1C files carry RUB only
  Requisites payer, payee;
  std::string purpose;                   // назначение платежа, up to 210 characters
  std::string reference;                 // skybill's id of what it pays (payout or refund id), CSV only
};

// A 1CClientBankExchange 1.03 file with one "Платежное поручение" section per order, encoded in
// Windows-1251 (Кодировка=Windows), CRLF line ends. `created` is ДатаСоздания/ВремяСоздания
// (pass date and "HH:MM:SS"). Throws std::invalid_argument naming the order and the field when an
// order is not valid (no orders, amount <= 0, currency not RUB, an empty/ill-formed payer or
// payee account (20 digits) or BIC (9 digits), INN not 10/12 digits, number not 1..6 digits,
// purpose empty or longer than 210 characters, a character that Windows-1251 cannot encode).
//
// The header names every distinct payer account in a РасчСчет line (first-seen order) and the
// span of the orders' dates in ДатаНачала/ДатаКонца. Плательщик/Получатель carry "ИНН <inn>
// <name>" as 1C writes them, Плательщик1/Получатель1 the name alone, …Банк1 the bank;
// ВидПлатежа is empty (electronic), ВидОплаты=01, Очередность=5.
std::string to_one_c(const std::vector<PaymentOrder>& orders, std::chrono::year_month_day created,
                     const std::string& created_time);

// CSV (RFC 4180, UTF-8, "\r\n", comma, fields quoted when they hold a comma, quote, CR or LF;
// a cell starting with = + - @ is prefixed with ' so spreadsheets do not run it), with a header:
// number,date,amount,currency,payer_name,payer_inn,payer_account,payer_bic,payee_name,payee_inn,
// payee_kpp,payee_account,payee_bank,payee_bic,payee_correspondent_account,purpose,reference
// amount as a decimal string "12345.67", date as YYYY-MM-DD. Same validation as to_one_c except
// the currency and encoding rules (any ISO code, any UTF-8).
//
// The amount has as many decimals as the currency's ISO 4217 exponent ("12345.67" RUB, "125"
// JPY, "1.234" KWD). A cell starting with a tab or CR is prefixed with ' as well (OWASP's list).
// Every record, the last included, ends with "\r\n".
std::string to_csv(const std::vector<PaymentOrder>& orders);

}  // namespace skybill::settlement
