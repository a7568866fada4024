#pragma once
// The closing documents the tests and bench/documents draw: the README's booking (Petrov Ivan,
// SU1234 SVO-LED) sold by Demo Airlines to Romashka LLC, paid by invoice DA-2026-000001.
#include "skybill/documents/closing.hpp"

namespace skybill::documents::samples {

inline Party airline() {
  return {"АО \"Демо Авиалинии\"", "7702070139", "770201001", "125009, г. Москва, ул. Тверская, д. 1", "2BM-7702070139-770201001-201409301000000001",
          "", "", "", ""};
}

inline Party client() {
  return {"ООО \"Ромашка\"", "7728168971", "772801001", "117997, г. Москва, ул. Вавилова, д. 19", "2BE-7728168971-772801001-202001010000000002",
          "", "", "", ""};
}

inline Party gateway() {
  return {"ООО \"Скайбилл\"", "7707083893", "770701001", "101000, г. Москва, ул. Мясницкая, д. 2", "2AL-7707083893-770701001-201512010000000003",
          "40702810900000000001", "ПАО Сбербанк", "044525225", "30101810400000000225"};
}

inline Signer airline_signer() { return {"Иванов", "Пётр", "Сергеевич", "Генеральный директор"}; }

// Fare 10 000.00 at 10 % (VAT 909.09), airport charge 499.50 at 22 % (90.07), service fee
// 1 000.00 without VAT: 11 499.50 in all, VAT 999.16.
inline std::vector<DocumentLine> ticket_lines() {
  return {{1, "Авиаперевозка, билет 5551234567890, SU1234 SVO-LED 20.12.2026, PETROV IVAN, тариф Y", "796", "шт", 1, 1000000, "10", 90909},
          {2, "Аэропортовый сбор, билет 5551234567890", "796", "шт", 1, 49950, "22", 9007},
          {3, "Сервисный сбор", "796", "шт", 1, 100000, "none", 0}};
}

inline Upd upd(Language language = Language::ru) {
  Upd u;
  u.function = Upd::Function::schfdop;
  u.language = language;
  u.number = "DA-U-2026-000001";
  u.date = "2026-12-07";
  u.time = "15:30:00";
  u.currency = "RUB";
  u.seller = airline();
  u.buyer = client();
  u.gateway_name = gateway().name;
  u.file_guid = "4f2b9c1e-7d3a-4e8b-9a6f-0c1d2e3f4a5b";
  u.lines = ticket_lines();
  u.total_minor = 1149950;
  u.vat_minor = 99916;
  u.payments = {{"123", "2026-12-07"}};
  u.basis = {"DA-2026-000001", "2026-12-07"};
  u.reference = "PNR ABC123, ORD-1001";
  u.shipped_on = "2026-12-07";
  u.signer = airline_signer();
  return u;
}

// The whole ticket refunded but the service fee: fare and charge go to zero.
inline Correction correction(Language language = Language::ru) {
  Correction c;
  c.language = language;
  c.number = "DA-K-2026-000001";
  c.date = "2026-12-09";
  c.time = "11:00:00";
  c.currency = "RUB";
  c.seller = airline();
  c.buyer = client();
  c.gateway_name = gateway().name;
  c.file_guid = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
  c.corrected = {"DA-U-2026-000001", "2026-12-07"};
  c.reason = "Возврат авиабилета 5551234567890";
  c.lines = {{1, "Авиаперевозка, билет 5551234567890, SU1234 SVO-LED 20.12.2026, PETROV IVAN, тариф Y", "796", "шт", 1, 0, 1000000, 0, "10", 90909, 0},
             {2, "Аэропортовый сбор, билет 5551234567890", "796", "шт", 1, 0, 49950, 0, "22", 9007, 0},
             {3, "Сервисный сбор", "796", "шт", 1, 1, 100000, 100000, "none", 0, 0}};
  c.total_before_minor = 1149950;
  c.total_after_minor = 100000;
  c.vat_before_minor = 99916;
  c.vat_after_minor = 0;
  c.reference = "PNR ABC123, ORD-1001";
  c.signer = airline_signer();
  return c;
}

inline ItineraryReceipt receipt(Language language = Language::ru) {
  ItineraryReceipt r;
  r.language = language;
  r.number = "DA-R-2026-000001";
  r.issued_on = "2026-12-07";
  r.passenger = "PETROV IVAN";
  r.passenger_document = "PS 4510123456";
  r.ticket_number = "5551234567890";
  r.pnr = "ABC123";
  r.currency = "RUB";
  r.carrier = airline();
  r.buyer = client();
  r.segments = {{"SU", "SU1234", "SVO", "LED", "2026-12-20T10:30", "2026-12-20T11:55", "Y"}};
  r.lines = {{"fare", "Тариф Y", 1000000, "10", 90909, ""},
             {"tax", "Аэропортовый сбор", 49950, "22", 9007, ""},
             {"fee", "Сервисный сбор", 100000, "none", 0, ""}};
  r.total_minor = 1149950;
  r.payment = "Безналичный расчёт, счёт № DA-2026-000001 от 07.12.2026";
  return r;
}

// The gateway's commission to the airline for one payout: an УПД the other way round.
inline Upd commission(Language language = Language::ru) {
  Upd u;
  u.function = Upd::Function::schfdop;
  u.language = language;
  u.number = "SKY-C-2026-000001";
  u.date = "2026-12-08";
  u.time = "10:00:00";
  u.currency = "RUB";
  u.seller = gateway();
  u.buyer = airline();
  u.gateway_name = gateway().name;
  u.file_guid = "1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809";
  u.lines = {{1, "Вознаграждение за приём платежей за 07.12.2026: 3 платежа на сумму 34 498,50 руб.", "796", "шт", 1, 34499, "22", 6221}};
  u.total_minor = 34499;
  u.vat_minor = 6221;
  u.basis = {"PO-2026-000001", "2026-12-08"};
  u.reference = "Выплата PO-2026-000001 за 07.12.2026";
  u.shipped_on = "2026-12-07";
  u.signer = {"Сидоров", "Алексей", "", "Генеральный директор"};
  return u;
}

}  // namespace skybill::documents::samples
