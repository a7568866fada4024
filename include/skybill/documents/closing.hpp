#pragma once
// The data of the closing documents skybill issues after the money or the guarantee: the УПД
// (universal transfer document) and its correction (УКД), the itinerary receipt, and the
// gateway's own act for its commission. Plain values, bound once from the committed state of
// the event that causes the document; the renderers (PDF, the tax service's XML) read only this.
// Dates are YYYY-MM-DD, times HH:MM:SS, in the issuer's time zone.
#include <cstdint>
#include <string>
#include <vector>

#include "skybill/documents/words.hpp"

namespace skybill::documents {

// A legal entity (or sole proprietor, 12-digit INN) on a document.
struct Party {
  std::string name;     // full name: ООО "Ромашка"
  std::string inn;      // 10 digits (legal entity) or 12 (sole proprietor)
  std::string kpp;      // 9 characters; empty for a sole proprietor
  std::string address;  // free text, as the registry states it
  std::string edo_id;   // the participant's EDO identifier; empty when it has none
  // Bank details; may be empty.
  std::string account, bank, bic, correspondent_account;
};

// Who signs for the seller: a person and their position (402-FZ art. 9 §2 items 6 and 7).
struct Signer {
  std::string last_name, first_name, middle_name;  // middle_name may be empty
  std::string position;                            // "Генеральный директор"
};

// One line of a document. Amounts are minor units of the document's currency, VAT included.
struct DocumentLine {
  int number = 0;            // 1, 2, ...
  std::string description;   // "Авиабилет 5551234567890 SU1234 SVO-LED 20.12.2026, Petrov Ivan"
  std::string unit_code;     // OKEI code; "796" (piece) for a ticket or service
  std::string unit_name;     // "шт"
  std::int64_t quantity = 1; // whole units
  std::int64_t amount_minor = 0;  // the line's total, VAT included
  std::string vat_rate;      // "22", "20", "10", "0" or "none"
  std::int64_t vat_minor = 0;     // amount * rate / (100 + rate), rounded half-up per line
};

// The document that a payment or a reference backs: "№ SB-2026-000123 от 07.12.2026".
struct DocumentRef {
  std::string number;
  std::string date;  // YYYY-MM-DD
};

// УПД, format 5.03: function СЧФДОП (status 1: VAT invoice and transfer document) or ДОП
// (status 2: transfer document only, the act, for a seller that issues no VAT invoice).
// The gateway's own commission to an airline for a payout period is an УПД too: seller the
// gateway, buyer the airline, one line of commission.
struct Upd {
  enum class Function { schfdop, dop };
  Function function = Function::schfdop;
  Language language = Language::ru;   // of the PDF; the XML is always Russian
  std::string number;                 // DA-U-2026-000001
  std::string date;                   // YYYY-MM-DD, the seller's date of issue
  std::string time;                   // HH:MM:SS, when the file was formed (ВремИнфПр)
  std::string currency = "RUB";       // only RUB (ОКВ 643) is stated; others are refused
  Party seller;                       // the airline (skybill issues it as its agent)
  Party buyer;                        // the client
  std::string gateway_name;           // the sender of the file if not the seller ("ООО Скайбилл")
  std::string file_guid;              // the GUID in the file name, fixed when the document is numbered
  std::vector<DocumentLine> lines;
  std::int64_t total_minor = 0;       // sum of the lines
  std::int64_t vat_minor = 0;         // sum of the lines' VAT
  std::vector<DocumentRef> payments;  // payment documents (№ and date) that paid it; empty for a guarantee
  DocumentRef basis;                  // the invoice the service was ordered by (Основание передачи)
  std::string reference;              // the booking: "PNR ABC123, ORD-1001"
  std::string shipped_on;             // YYYY-MM-DD, the date of the service (ticketing / payment)
  Signer signer;                      // signs for the seller
};

// УКД, the correction of an УПД after a refund or a price change: each line before and after.
struct CorrectionLine {
  int number = 0;
  std::string description;
  std::string unit_code, unit_name;
  std::int64_t quantity_before = 1, quantity_after = 1;
  std::int64_t amount_before_minor = 0, amount_after_minor = 0;  // VAT included
  std::string vat_rate;
  std::int64_t vat_before_minor = 0, vat_after_minor = 0;
};

struct Correction {
  Language language = Language::ru;
  std::string number;                // DA-K-2026-000001
  std::string date;                  // YYYY-MM-DD
  std::string time;                  // HH:MM:SS
  std::string currency = "RUB";
  Party seller, buyer;
  std::string gateway_name;
  std::string file_guid;
  DocumentRef corrected;             // the УПД being corrected
  std::string reason;                // "Возврат авиабилета" / "Изменение стоимости"
  std::vector<CorrectionLine> lines;
  // Sums of the lines; "increase" and "decrease" are after - before where positive / negative.
  std::int64_t total_before_minor = 0, total_after_minor = 0;
  std::int64_t vat_before_minor = 0, vat_after_minor = 0;
  std::string reference;
  Signer signer;
};

// Маршрутная квитанция: one passenger's ticket, with VAT shown as its own line per rate
// ("Без НДС" for none) so that the buying company can deduct it.
struct ReceiptSegment {
  std::string carrier;      // "SU"
  std::string flight;       // "SU1234"
  std::string from, to;     // IATA codes
  std::string departure;    // local, as the booking states it: "2026-12-20T10:30"
  std::string arrival;      // may be empty
  std::string fare_class;   // may be empty
};

struct ReceiptLine {
  std::string kind;          // "fare", "tax", "fee", "service", "penalty"
  std::string description;
  std::int64_t amount_minor = 0;
  std::string vat_rate;
  std::int64_t vat_minor = 0;
  std::string emd;           // EMD number of a service; may be empty
};

struct ItineraryReceipt {
  Language language = Language::ru;
  std::string number;        // the receipt's own number: DA-R-2026-000001
  std::string issued_on;     // YYYY-MM-DD
  std::string passenger;     // "PETROV IVAN"
  std::string passenger_document;  // may be empty
  std::string ticket_number; // 13 digits
  std::string pnr;
  std::string currency = "RUB";
  Party carrier;             // the airline
  Party buyer;               // the client that paid
  std::vector<ReceiptSegment> segments;
  std::vector<ReceiptLine> lines;
  std::int64_t total_minor = 0;
  std::string payment;       // "Безналичный расчёт, счёт № DA-2026-000001"
};

}  // namespace skybill::documents
