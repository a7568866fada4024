#include "skybill/matching/matching.hpp"

#include <algorithm>
#include <utility>

#include "scan.hpp"
#include "skybill/core/money.hpp"

namespace skybill::matching {
namespace {

using detail::Number;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A usable INN: 10 or 12 digits, not all zeros (banks write zeros when there is none).
std::optional<std::string> inn_of(std::string_view raw) {
  std::string_view s = trim(raw);
  if ((s.size() != 10 && s.size() != 12) || !all_digits(s)) return std::nullopt;
  if (s.find_first_not_of('0') == std::string_view::npos) return std::nullopt;
  return std::string(s);
}

// Upper case; RUR (still in Russian bank statements) is RUB.
std::string currency_of(std::string_view raw) {
  std::string s(trim(raw));
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s == "RUR" ? "RUB" : s;
}

bool is_date(std::string_view d) {
  return d.size() == 10 && d[4] == '-' && d[7] == '-' && all_digits(d.substr(0, 4)) && all_digits(d.substr(5, 2)) &&
         all_digits(d.substr(8, 2));
}

int year_of(std::string_view date) {
  date = trim(date);
  return date.size() >= 4 && all_digits(date.substr(0, 4)) ? std::stoi(std::string(date.substr(0, 4))) : 0;
}

std::string amount_text(std::int64_t minor, const std::string& currency) {
  if (const core::Currency* c = core::find_currency(currency))
    return core::Money(minor, *c).to_string() + " " + currency;
  return std::to_string(minor) + " (minor units) " + currency;
}

// The best number reason of an invoice, or an empty code.
Reason number_reason(const std::optional<Number>& inv, const std::string& inv_number,
                     const std::vector<Number>& found) {
  Reason best{"", 0, ""};
  if (!inv) return best;
  auto offer = [&](const char* code, int pts, std::string text) {
    if (best.code.empty() || pts > best.points) best = Reason{code, pts, std::move(text)};
  };
  for (const Number& f : found) {
    if (f.seq != inv->seq) continue;
    bool same_year = f.year == inv->year;
    std::string n = detail::normalised(f);
    if (!f.prefix.empty()) {
      bool same_prefix = f.prefix == inv->prefix;
      if (same_prefix && same_year)
        offer("number_exact", points::number_exact, "the purpose names " + inv_number);
      else if (same_year)
        offer("number_prefix_differs", points::number_prefix_differs,
              "the purpose names " + n + ": the year and sequence of " + inv_number + " under another prefix");
      else if (same_prefix)
        offer("number_year_differs", points::number_year_differs,
              "the purpose names " + n + ": the sequence of " + inv_number + " in another year");
    } else if (same_year) {
      offer("number_sequence_only", points::number_sequence_only,
            "the purpose names sequence " + n.substr(7) + " without a prefix, year " + n.substr(2, 4) +
                (f.year_stated ? "" : " (the payment's)") + ", as in " + inv_number);
    } else {
      offer("number_year_differs", points::number_year_differs,
            "the purpose names sequence " + n.substr(7) + " without a prefix, year " + n.substr(2, 4) +
                (f.year_stated ? "" : " (the payment's)") + ": " + inv_number + " is of another year");
    }
  }
  return best;
}

struct Evaluation {
  const OpenInvoice* invoice;
  Candidate candidate;
  std::string number_code;
  bool same_currency = false;
  bool inn_equal = false;
  bool before_issue = false;

  bool has(std::string_view code) const { return number_code == code; }
  // Nothing that forbids a sure match of this invoice.
  bool clean() const { return !invoice->closed && same_currency && inn_equal && !before_issue; }
};

Evaluation evaluate(const Payment& p, const OpenInvoice& inv, const std::vector<Number>& found,
                    const std::optional<std::string>& deposit) {
  Evaluation e{&inv, Candidate{inv.id, 0, {}}, "", false, false, false};
  auto& reasons = e.candidate.reasons;

  Reason num = number_reason(detail::parse_invoice_number(inv.number), inv.number, found);
  if (!num.code.empty()) {
    e.number_code = num.code;
    reasons.push_back(std::move(num));
  }

  std::string pay_cur = currency_of(p.currency), inv_cur = currency_of(inv.currency);
  e.same_currency = !pay_cur.empty() && pay_cur == inv_cur;
  if (!e.same_currency) {
    reasons.push_back({"currency_differs", points::currency_differs,
                       "paid in " + (pay_cur.empty() ? std::string("an unknown currency") : pay_cur) +
                           ", the invoice is in " + inv_cur});
  } else if (p.amount_minor == inv.amount_due_minor) {
    reasons.push_back({"amount_equal", points::amount_equal,
                       "paid exactly the amount due, " + amount_text(p.amount_minor, pay_cur)});
  } else if (p.amount_minor < inv.amount_due_minor) {
    reasons.push_back({"amount_less", points::amount_less,
                       "paid " + amount_text(p.amount_minor, pay_cur) + " of " +
                           amount_text(inv.amount_due_minor, pay_cur) + " due: an under-payment"});
  } else {
    reasons.push_back({"amount_more", points::amount_more,
                       "paid " + amount_text(p.amount_minor, pay_cur) + ", " +
                           amount_text(inv.amount_due_minor, pay_cur) + " due: an over-payment"});
  }

  auto payer = inn_of(p.payer_inn), client = inn_of(inv.client_inn);
  if (payer && client && *payer == *client) {
    e.inn_equal = true;
    reasons.push_back({"inn_equal", points::inn_equal, "the payer's INN " + *payer + " is the client's"});
  } else if (payer && client) {
    reasons.push_back(
        {"inn_differs", points::inn_differs, "the payer's INN " + *payer + " is not the client's " + *client});
  } else {
    reasons.push_back({"inn_unknown", points::inn_unknown,
                       payer ? "the client's INN is missing" : "the payer's INN is missing or malformed"});
  }

  std::string_view pay_date = trim(p.date), issued = trim(inv.issued_on);
  if (is_date(pay_date) && is_date(issued) && pay_date < issued) {
    e.before_issue = true;
    reasons.push_back({"date_before_issue", points::date_before_issue,
                       "paid on " + std::string(pay_date) + ", before the invoice was issued on " +
                           std::string(issued)});
  }
  if (inv.closed)
    reasons.push_back(
        {"invoice_closed", points::invoice_closed, "the invoice is closed (voided, or its booking expired)"});
  if (deposit)
    reasons.push_back({"deposit_reference", points::deposit_reference,
                       "the purpose names deposit reference " + *deposit + ": most likely a top-up"});

  for (const Reason& r : reasons) e.candidate.score += r.points;
  return e;
}

}  // namespace

std::string_view to_string(Outcome o) noexcept {
  switch (o) {
    case Outcome::sure: return "sure";
    case Outcome::ambiguous: return "ambiguous";
    case Outcome::none: return "none";
  }
  return "none";
}

std::vector<std::string> invoice_numbers_in(std::string_view purpose, int payment_year) {
  std::vector<std::string> out;
  for (const Number& n : detail::scan(purpose, payment_year).numbers) out.push_back(detail::normalised(n));
  return out;
}

std::optional<std::string> deposit_reference_in(std::string_view purpose) {
  return detail::scan(purpose, 0).deposit;
}

Decision decide(const Payment& p, const std::vector<OpenInvoice>& invoices) {
  detail::Scan s = detail::scan(p.purpose, year_of(p.date));
  Decision d{Outcome::none, {}, s.deposit, {}};
  for (const Number& n : s.numbers) d.numbers_in_purpose.push_back(detail::normalised(n));

  std::vector<Evaluation> evals;
  evals.reserve(invoices.size());
  for (const OpenInvoice& inv : invoices) evals.push_back(evaluate(p, inv, s.numbers, s.deposit));

  // The sure rules (see the header).
  const Evaluation* sure = nullptr;
  if (!s.deposit && p.amount_minor > 0 && s.numbers.size() == 1) {
    std::vector<const Evaluation*> hits, amounts;
    if (!s.numbers.front().prefix.empty()) {
      for (const Evaluation& e : evals)
        if (e.has("number_exact")) hits.push_back(&e);
      if (hits.size() == 1 && hits.front()->clean()) sure = hits.front();
    } else {
      for (const Evaluation& e : evals) {
        if (!e.inn_equal) continue;
        if (e.has("number_sequence_only")) hits.push_back(&e);
        if (!e.invoice->closed && e.same_currency && e.invoice->amount_due_minor == p.amount_minor)
          amounts.push_back(&e);
      }
      if (hits.size() == 1 && amounts.size() == 1 && hits.front() == amounts.front() && hits.front()->clean())
        sure = hits.front();
    }
  }

  std::vector<const Evaluation*> ranked;
  for (const Evaluation& e : evals)
    if (e.candidate.score > 0) ranked.push_back(&e);
  std::sort(ranked.begin(), ranked.end(), [&](const Evaluation* a, const Evaluation* b) {
    if (a == sure || b == sure) return a == sure && b != sure;
    if (a->candidate.score != b->candidate.score) return a->candidate.score > b->candidate.score;
    if (a->invoice->number != b->invoice->number) return a->invoice->number < b->invoice->number;
    return a->invoice->id < b->invoice->id;
  });
  if (ranked.size() > kMaxCandidates) ranked.resize(kMaxCandidates);
  for (const Evaluation* e : ranked) d.candidates.push_back(e->candidate);

  if (sure)
    d.outcome = Outcome::sure;
  else if (std::any_of(ranked.begin(), ranked.end(),
                       [](const Evaluation* e) { return e->candidate.score >= kRelevantScore; }))
    d.outcome = Outcome::ambiguous;
  return d;
}

}  // namespace skybill::matching
