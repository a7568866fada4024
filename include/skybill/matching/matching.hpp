#pragma once
// Payment matching: which invoice an incoming bank payment pays, from the payment's purpose
// text, payer INN, amount, currency and date. A pure module: no database, no I/O, no clock.
// The caller loads the candidate invoices and acts on the decision (books the payment, opens
// a case for a person, credits a deposit).
//
// Reading the purpose (UTF-8, case-insensitive for Latin and Cyrillic, Ё = Е)
// ---------------------------------------------------------------------------
// A full invoice number is <prefix><sep><year><sep><sequence>, found anywhere in the text:
//   - prefix: 1-8 letters/digits starting with a letter; Cyrillic look-alikes are read as Latin
//     (upper case А В С Е Н К М О Р Т Х У, lower case а с е о р х у); "SВ" (Cyrillic В) is SB.
//     Words that are markers or labels are never prefixes: N, NO, NR, NUM, INV, INVOICE, INN,
//     KPP, BIK, BIC, OGRN, OKPO, OKTMO, KBK, TEL, DEP.
//   - year: 4 digits, 2000-2099; sequence: 1-6 digits (000123 and 123 are the same).
//   - sep: 1-3 of "-", " ", "_", "/", "." (also no-break space and the dashes), or none at all
//     when the year and a 6-digit sequence are written together: "SB2026000123",
//     "SB-2026000123", "SB2026-000123". "№", "N", "No", "#" before the number are optional.
//   - a prefix glued to a Cyrillic word starts at its first Latin letter ("СЧ№SB…", "СЧЕТSB…").
//   - not a number: a sequence followed by [.,-/]<digit> (an amount "909.09", a date
//     "SB 2026-11-21", a longer code), a digit run after the prefix that is not <year><6 digits>
//     (INNs, accounts), anything without a prefix. A word made only of Cyrillic look-alikes
//     ("ОТ", "МОСКВА") can be a prefix when a year and sequence follow it: such a number matches
//     no invoice, but it counts as a number in the purpose (so it prevents a sure match).
// A bare sequence (prefix unknown, "*-YYYY-NNNNNN") counts only right after an invoice word:
// счет/счёт and its forms (счета, счету, счетам, …), "сч", "сч.", "invoice", "invoices", "inv",
// optionally followed by "-оферта" (any "-word" except "-фактура"), "на оплату", and by the
// markers "№", "#", "N", "No", "Nr", ":", ".". The sequence is 1-6 digits, not followed by
// [.,/:-]<digit> (a date, amount or phone number) nor glued to a Latin letter. Its year is:
// written before it ("счет № 2026-000123"), else the date that follows ("сч. 123 от 21.11.2026",
// "от 21.11.26", "от 2026-11-21", "от 21 ноября 2026"), else the payment's year. Lists count after
// a plural invoice word (счетов, счетам, счетами, счетах, invoices): "по счетам 123, 124 и 125 от
// 21.11.2026"; after a singular only the first number does ("по счету 123, 2 билета").
// Not an invoice word: one that follows "р/", "к/", "расчетный", "лицевой", "корр.",
// "банковский", … (a bank account), nor "счет-фактура" / "сч.ф." (a VAT invoice).
// The same number written twice counts once; a bare sequence also written in full counts once
// (the full number stays).
//
// Deposit reference: "DEP" + optional 1-2 of "-", " ", "_", ".", "/", ":" + 8 characters of
// [0-9A-Z] (Cyrillic look-alikes folded, then Crockford: O→0, I→1, L→1), ending at a word
// boundary. Written without a separator the 8 characters must hold a digit (so "DEPARTMENTS"
// is not one). The first one found is returned. Its text is never read as an invoice number.
//
// Scoring (points per reason; an invoice's score is the sum of its reasons)
// ---------------------------------------------------------------------------
// At most one number reason per invoice, the best of:
//   number_exact           +100  a full number in the purpose equals the invoice's number
//   number_sequence_only    +50  a bare sequence equals its sequence and year
//   number_prefix_differs   +40  a full number with its year and sequence but another prefix
//   number_year_differs     +20  its sequence (same or no prefix) but another year
// then:
//   currency_differs        -30  codes compared upper-cased, RUR = RUB; amounts then not compared
//   amount_equal            +30  payment amount == amount due
//   amount_less              +5  under-payment
//   amount_more               0  over-payment
//   inn_equal               +30  payer INN == the invoice's client INN (both 10 or 12 digits)
//   inn_differs             -20
//   inn_unknown               0  either INN missing, all zeros, or not 10/12 digits
//   date_before_issue       -30  payment dated before the invoice's issue date
//   invoice_closed          -20  voided / booking expired
//   deposit_reference       -30  the purpose names a deposit reference (a top-up, most likely)
// Reasons are listed in that order: number, currency or amount, INN, date, closed, deposit.
// Candidates: invoices scoring > 0, best first, ties by invoice number then id, at most 5.
//
// Outcome
// ---------------------------------------------------------------------------
// Common to both sure rules: exactly one distinct number in the purpose (after de-duplication),
// no deposit reference, amount > 0. The sure invoice is then candidates[0].
//   sure (full number): exactly one invoice (closed ones included) has number_exact, and it is
//     clean: not closed, same currency, inn_equal, not date_before_issue. Any amount: under-
//     and over-payments are sure matches, the caller books the part or the excess.
//   sure (bare sequence): among the payer's invoices (inn_equal), exactly one has
//     number_sequence_only; among the payer's open invoices in the payment's currency exactly
//     one has amount due == the amount; they are the same invoice, not date_before_issue.
//   ambiguous: not sure, and some candidate scores >= kRelevantScore (50). Two invoices in
//     the purpose, another payer's INN, a closed invoice, another currency, an amount-only
//     agreement (inn_equal + amount_equal = 60) all land here, for a person to decide.
//   none: no candidate reaches 50. Weaker candidates (e.g. the payer's invoices with another
//     amount) may still be listed as hints.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skybill::matching {

// Candidates the caller loads: open, partially_paid or overdue invoices (and recently voided or
// expired ones, flagged `closed`).
struct OpenInvoice {
  std::string id, number, client_inn, currency;
  std::int64_t amount_due_minor = 0;  // still unpaid
  std::string issued_on;              // YYYY-MM-DD
  bool closed = false;                // voided / booking expired: a payment for it is a case, not a match
};

struct Payment {
  std::string payer_inn, payer_name, purpose, currency, date /*YYYY-MM-DD*/;
  std::int64_t amount_minor = 0;
};

struct Reason {
  std::string code;  // one of the codes in the scoring table above
  int points;
  std::string text;  // for a person
};

struct Candidate {
  std::string invoice_id;
  int score;
  std::vector<Reason> reasons;
};

enum class Outcome { sure, ambiguous, none };

struct Decision {
  Outcome outcome;
  std::vector<Candidate> candidates;              // ranked best first, at most 5, score > 0
  std::optional<std::string> deposit_reference;   // when the purpose names one
  std::vector<std::string> numbers_in_purpose;    // normalised invoice numbers found
};

namespace points {
inline constexpr int number_exact = 100;
inline constexpr int number_sequence_only = 50;
inline constexpr int number_prefix_differs = 40;
inline constexpr int number_year_differs = 20;
inline constexpr int currency_differs = -30;
inline constexpr int amount_equal = 30;
inline constexpr int amount_less = 5;
inline constexpr int amount_more = 0;
inline constexpr int inn_equal = 30;
inline constexpr int inn_differs = -20;
inline constexpr int inn_unknown = 0;
inline constexpr int date_before_issue = -30;
inline constexpr int invoice_closed = -20;
inline constexpr int deposit_reference = -30;
}  // namespace points

inline constexpr int kRelevantScore = 50;  // ambiguous needs a candidate at or above this
inline constexpr std::size_t kMaxCandidates = 5;

std::string_view to_string(Outcome o) noexcept;  // "sure", "ambiguous", "none"

// Invoice numbers mentioned in a purpose, in order of appearance, normalised to
// "PREFIX-YYYY-NNNNNN"; a bare sequence ("сч. 123 от 21.11.2026") gives "*-2026-000123"
// (prefix unknown; year written before it, else from the date that follows, else
// `payment_year`, printed with 4 digits).
std::vector<std::string> invoice_numbers_in(std::string_view purpose, int payment_year);

// "DEP-XXXXXXXX" when the purpose names a deposit reference (the first one).
std::optional<std::string> deposit_reference_in(std::string_view purpose);

// Which invoice the payment pays; rules above. The payment's year (for bare sequences) is read
// from `p.date` (0 when it does not start with 4 digits).
Decision decide(const Payment& p, const std::vector<OpenInvoice>& invoices);

}  // namespace skybill::matching
