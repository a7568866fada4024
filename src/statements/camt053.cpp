// ISO 20022 camt.053 (BankToCustomerStatement), versions 001.02 to 001.08, with libxml2.
// Elements are matched by local name; the namespace is checked once, on the root.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <climits>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detail.hpp"
#include "skybill/core/money.hpp"
#include "skybill/statements/statements.hpp"

namespace skybill::statements {
namespace {

using detail::quoted;
using detail::trim;

constexpr std::string_view kNamespacePrefix = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.0";
constexpr std::string_view kNotProvided = "NOTPROVIDED";  // EndToEndId placeholder

std::string_view sv(const xmlChar* s) { return s ? reinterpret_cast<const char*>(s) : std::string_view{}; }

// ---- Parsing the XML safely --------------------------------------------------------------

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct CtxtFree {
  void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};

struct DtdSeen {
  bool seen = false;
  int line = 0;
};

// SAX hook for <!DOCTYPE …>: a camt.053 file has no DTD, and refusing it outright keeps
// entity declarations (XXE, "billion laughs") from ever being parsed.
void refuse_dtd(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
  auto* seen = static_cast<DtdSeen*>(ctxt->_private);
  if (!seen->seen) {
    seen->seen = true;
    seen->line = ctxt->input ? ctxt->input->line : 0;
  }
  xmlStopParser(ctxt);
}

// Parse errors are read from the context; nothing goes to stderr.
void ignore_error(void*, xmlErrorPtr) {}

std::string message_of(const xmlError* e) {
  if (!e || !e->message) return "not well-formed XML";
  std::string m(trim(e->message));
  return "not well-formed XML: " + m;
}

std::unique_ptr<xmlDoc, DocFree> read_xml(std::string_view file) {
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });
  if (file.size() > static_cast<std::size_t>(INT_MAX)) throw ParseError("line 1", "file too large");

  const std::unique_ptr<xmlParserCtxt, CtxtFree> ctxt(xmlNewParserCtxt());
  if (!ctxt || !ctxt->sax) throw std::bad_alloc();
  DtdSeen dtd;
  ctxt->_private = &dtd;
  ctxt->sax->internalSubset = refuse_dtd;
  ctxt->sax->externalSubset = refuse_dtd;
  ctxt->sax->serror = ignore_error;
  // No XML_PARSE_NOENT (entities are not substituted), no XML_PARSE_DTDLOAD/DTDATTR/DTDVALID
  // (nothing is loaded), XML_PARSE_NONET (no network even if something tried).
  constexpr int kOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  std::unique_ptr<xmlDoc, DocFree> doc(
      xmlCtxtReadMemory(ctxt.get(), file.data(), static_cast<int>(file.size()), nullptr, nullptr, kOptions));
  if (dtd.seen || (doc && (doc->intSubset || doc->extSubset)))
    throw ParseError("line " + std::to_string(dtd.line ? dtd.line : 1),
                     "a DTD (<!DOCTYPE>) is not allowed in a camt.053 file");
  if (!doc || !ctxt->wellFormed) {
    const xmlError* e = &ctxt->lastError;
    throw ParseError("line " + std::to_string(e->line > 0 ? e->line : 1), message_of(e));
  }
  return doc;
}

// ---- Navigating ---------------------------------------------------------------------------

using Node = const xmlNode*;

std::string_view local_name(Node n) { return sv(n->name); }

Node child(Node n, std::string_view name) {
  if (!n) return nullptr;
  for (Node c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && local_name(c) == name) return c;
  return nullptr;
}

std::vector<Node> children(Node n, std::string_view name) {
  std::vector<Node> out;
  if (!n) return out;
  for (Node c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && local_name(c) == name) out.push_back(c);
  return out;
}

Node path(Node n, std::initializer_list<std::string_view> names) {
  for (auto name : names) n = child(n, name);
  return n;
}

// The element's own text, trimmed; empty for a missing element.
std::string text(Node n) {
  std::string s;
  if (!n) return s;
  for (Node c = n->children; c; c = c->next)
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) s += sv(c->content);
  return std::string(trim(s));
}

std::string attribute(Node n, std::string_view name) {
  for (const xmlAttr* a = n->properties; a; a = a->next) {
    if (sv(a->name) != name) continue;
    std::string s;
    for (Node c = a->children; c; c = c->next)
      if (c->type == XML_TEXT_NODE) s += sv(c->content);
    return std::string(trim(s));
  }
  return {};
}

std::string first_nonempty(std::initializer_list<std::string> values) {
  for (const auto& v : values)
    if (!v.empty()) return v;
  return {};
}

// "Ntry[3]" for the element at index 2.
std::string indexed(std::string_view name, std::size_t i) {
  return std::string(name) + "[" + std::to_string(i + 1) + "]";
}

// ---- Values --------------------------------------------------------------------------------

struct Amount {
  std::int64_t minor;
  std::string currency;
};

// An <Amt Ccy="RUB">12000.00</Amt>-style element; `where` names it in errors.
Amount amount_of(Node amt, const std::string& where) {
  if (!amt) throw ParseError(where, "missing");
  Amount a;
  a.currency = attribute(amt, "Ccy");
  if (a.currency.empty()) throw ParseError(where, "Ccy missing");
  if (a.currency == "RUR") a.currency = "RUB";  // the pre-1998 code, still in some Russian banks' exports
  const core::Currency* cur = core::find_currency(a.currency);
  if (!cur) throw ParseError(where, "currency " + quoted(a.currency) + " is not ISO 4217");
  const std::string value = text(amt);
  std::string why;
  const auto minor = detail::parse_amount(
      value, {.exponent = cur->exponent, .comma_allowed = false, .zero_padding_allowed = true}, why);
  if (!minor) throw ParseError(where, quoted(value) + " " + why);
  a.minor = *minor;
  return a;
}

// <BookgDt>, <ValDt>, <FrDtTm>…: a Dt or DtTm child, or the element's own text.
std::optional<std::string> date_of(Node n, const std::string& where) {
  if (!n) return std::nullopt;
  Node inner = child(n, "Dt");
  if (!inner) inner = child(n, "DtTm");
  const std::string value = text(inner ? inner : n);
  const std::string at = inner ? where + "/" + std::string(local_name(inner)) : where;
  if (value.empty()) throw ParseError(at, "missing");
  auto d = detail::date_from_iso(value);
  if (!d) throw ParseError(at, quoted(value) + " is not a date");
  return d;
}

std::string account_id(Node acct) {
  Node id = child(acct, "Id");
  return first_nonempty({text(child(id, "IBAN")), text(path(id, {"Othr", "Id"}))});
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// INN and KPP from Id/OrgId/Othr (or PrvtId/Othr) whose SchmeNm Cd or Prtry says INN/TXID or KPP.
void read_ids(Node party, Party& p) {
  for (Node holder : {path(party, {"Id", "OrgId"}), path(party, {"Id", "PrvtId"})}) {
    for (Node othr : children(holder, "Othr")) {
      const std::string scheme =
          upper(first_nonempty({text(path(othr, {"SchmeNm", "Cd"})), text(path(othr, {"SchmeNm", "Prtry"}))}));
      const std::string id = text(child(othr, "Id"));
      if ((scheme == "INN" || scheme == "TXID") && p.inn.empty()) p.inn = id;
      if (scheme == "KPP" && p.kpp.empty()) p.kpp = id;
    }
  }
}

void read_agent(Node fin_instn_id, Party& p) {
  p.bic = first_nonempty({text(child(fin_instn_id, "BICFI")), text(child(fin_instn_id, "BIC")),
                          text(path(fin_instn_id, {"ClrSysMmbId", "MmbId"}))});
  p.bank = text(child(fin_instn_id, "Nm"));
}

// The debtor or the creditor of a transaction: role "Dbtr" or "Cdtr".
Party party_of(Node tx, std::string_view role) {
  Party p;
  Node related = child(tx, "RltdPties");
  Node party = child(related, role);
  if (Node pty = child(party, "Pty")) party = pty;  // 001.08: Party40Choice
  p.name = text(child(party, "Nm"));
  read_ids(party, p);
  p.account = account_id(child(related, std::string(role) + "Acct"));
  read_agent(path(tx, {"RltdAgts", std::string(role) + "Agt", "FinInstnId"}), p);
  return p;
}

// Our side of a transaction: what the transaction says, completed from the statement's Acct.
Party our_side(Party from_tx, const Party& owner, const std::string& account) {
  if (from_tx.name.empty()) from_tx.name = owner.name;
  if (from_tx.inn.empty()) from_tx.inn = owner.inn;
  if (from_tx.kpp.empty()) from_tx.kpp = owner.kpp;
  if (from_tx.bic.empty()) from_tx.bic = owner.bic;
  if (from_tx.bank.empty()) from_tx.bank = owner.bank;
  from_tx.account = account;
  return from_tx;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!s.empty()) s += ' ';
    s += p;
  }
  return s;
}

std::string purpose_of(Node tx, Node entry) {
  Node rmt = child(tx, "RmtInf");
  std::vector<std::string> parts;
  for (Node u : children(rmt, "Ustrd")) parts.push_back(text(u));
  if (auto s = joined(parts); !s.empty()) return s;
  parts.clear();
  for (Node strd : children(rmt, "Strd")) parts.push_back(text(path(strd, {"CdtrRefInf", "Ref"})));
  if (auto s = joined(parts); !s.empty()) return s;
  return first_nonempty({text(child(tx, "AddtlTxInf")), text(child(entry, "AddtlNtryInf"))});
}

bool is_ours(std::string_view account, const std::vector<std::string>& own_accounts) {
  return std::find(own_accounts.begin(), own_accounts.end(), account) != own_accounts.end();
}

// ---- Entries --------------------------------------------------------------------------------

struct EntryContext {
  const std::string& account;
  const Party& owner;
};

void read_entry(Node entry, const std::string& where, const EntryContext& ctx, std::vector<Document>& out) {
  Node sts = child(entry, "Sts");
  if (!sts) throw ParseError(where + "/Sts", "missing");
  // 001.02–001.07: <Sts>BOOK</Sts>; 001.08: <Sts><Cd>BOOK</Cd></Sts> (or Prtry).
  const std::string status = first_nonempty({text(child(sts, "Cd")), text(child(sts, "Prtry")), text(sts)});
  if (status != "BOOK") return;  // pending or information only: not money on the account yet

  const Amount entry_amount = amount_of(child(entry, "Amt"), where + "/Amt");
  const std::string indicator = text(child(entry, "CdtDbtInd"));
  if (indicator.empty()) throw ParseError(where + "/CdtDbtInd", "missing");
  if (indicator != "CRDT" && indicator != "DBIT")
    throw ParseError(where + "/CdtDbtInd", quoted(indicator) + " is not CRDT or DBIT");
  const Direction direction = indicator == "CRDT" ? Direction::incoming : Direction::outgoing;
  const auto booked = date_of(child(entry, "BookgDt"), where + "/BookgDt");
  if (!booked) throw ParseError(where + "/BookgDt", "missing");
  const std::string value_date = date_of(child(entry, "ValDt"), where + "/ValDt").value_or(*booked);
  const std::string entry_ref = first_nonempty({text(child(entry, "AcctSvcrRef")), text(child(entry, "NtryRef"))});

  struct Tx {
    Node node;  // nullptr: an entry without TxDtls
    std::string where;
  };
  std::vector<Tx> txs;
  const auto details = children(entry, "NtryDtls");
  for (std::size_t d = 0; d < details.size(); ++d) {
    const auto tx_nodes = children(details[d], "TxDtls");
    for (std::size_t t = 0; t < tx_nodes.size(); ++t)
      txs.push_back({tx_nodes[t], where + "/" + indexed("NtryDtls", d) + "/" + indexed("TxDtls", t)});
  }
  const bool batch = txs.size() > 1;
  if (txs.empty()) txs.push_back({nullptr, where});

  std::vector<Document> docs;
  std::int64_t same_currency_sum = 0;
  bool sum_comparable = true;
  for (const auto& tx : txs) {
    Document d;
    Node tx_amount = path(tx.node, {"AmtDtls", "TxAmt", "Amt"});
    std::string amount_where = tx.where + "/AmtDtls/TxAmt/Amt";
    if (!tx_amount) {
      tx_amount = child(tx.node, "Amt");
      amount_where = tx.where + "/Amt";
    }
    if (!tx_amount && batch)
      throw ParseError(tx.where + "/Amt", "missing (each transaction of a batch entry needs its own amount)");
    const Amount amount = tx_amount ? amount_of(tx_amount, amount_where) : entry_amount;
    if (amount.currency != entry_amount.currency) {
      sum_comparable = false;
    } else if (__builtin_add_overflow(same_currency_sum, amount.minor, &same_currency_sum)) {
      throw ParseError(where + "/Amt", "the transactions' amounts overflow");
    }
    d.amount_minor = amount.minor;
    d.currency = amount.currency;
    Node refs = child(tx.node, "Refs");
    std::string end_to_end = text(child(refs, "EndToEndId"));
    if (end_to_end == kNotProvided) end_to_end.clear();
    d.number = first_nonempty({end_to_end, text(child(refs, "AcctSvcrRef")), entry_ref});
    if (d.number.empty())
      throw ParseError(batch ? tx.where : where, "no reference: none of EndToEndId, AcctSvcrRef or NtryRef is given");
    d.date = *booked;
    d.value_date = value_date;
    d.direction = direction;
    if (direction == Direction::incoming) {
      d.payer = party_of(tx.node, "Dbtr");
      d.payee = our_side(party_of(tx.node, "Cdtr"), ctx.owner, ctx.account);
    } else {
      d.payer = our_side(party_of(tx.node, "Dbtr"), ctx.owner, ctx.account);
      d.payee = party_of(tx.node, "Cdtr");
    }
    d.purpose = purpose_of(tx.node, entry);
    d.kind = "camt.053 entry";
    d.element = batch ? tx.where : where;
    docs.push_back(std::move(d));
  }
  if (sum_comparable && same_currency_sum != entry_amount.minor)
    throw ParseError(where + "/Amt", "the entry's amount " + std::to_string(entry_amount.minor) +
                                         " is not the sum of its transactions' amounts " +
                                         std::to_string(same_currency_sum) + " (minor units)");
  for (auto& d : docs) out.push_back(std::move(d));
}

}  // namespace

Statement parse_camt053(std::string_view file, const std::vector<std::string>& own_accounts) {
  const auto doc = read_xml(file);
  Node root = xmlDocGetRootElement(doc.get());
  if (!root || local_name(root) != "Document")
    throw ParseError(root ? std::string(local_name(root)) : "line 1",
                     "not a camt.053 document (the root is not Document)");
  const std::string_view ns = root->ns ? sv(root->ns->href) : std::string_view{};
  if (ns.size() != kNamespacePrefix.size() + 1 || ns.substr(0, kNamespacePrefix.size()) != kNamespacePrefix ||
      ns.back() < '2' || ns.back() > '8')
    throw ParseError("Document", "namespace " + quoted(ns) + " is not camt.053.001.02 to camt.053.001.08");
  Node statement_list = child(root, "BkToCstmrStmt");
  if (!statement_list) throw ParseError("BkToCstmrStmt", "missing");
  const auto stmts = children(statement_list, "Stmt");
  if (stmts.empty()) throw ParseError("Stmt", "missing");

  Statement st;
  st.format = Format::camt053;
  st.encoding = doc->encoding ? detail::ascii_lower(sv(doc->encoding)) : "utf-8";
  for (std::size_t i = 0; i < stmts.size(); ++i) {
    Node stmt = stmts[i];
    const std::string where = indexed("Stmt", i);
    Node acct = child(stmt, "Acct");
    const std::string account = account_id(acct);
    if (account.empty()) throw ParseError(where + "/Acct/Id", "missing");
    if (!is_ours(account, own_accounts))
      throw ParseError(where + "/Acct/Id", "statement is for account " + account + ", not ours");
    if (st.account.empty()) {
      st.account = account;
    } else if (st.account != account) {
      throw ParseError(where + "/Acct/Id", "the file holds statements for several of our accounts (" + st.account +
                                               ", " + account + "); export one account per file");
    }
    Node period = child(stmt, "FrToDt");
    if (auto from = date_of(child(period, "FrDtTm"), where + "/FrToDt/FrDtTm"))
      if (st.period_from.empty() || *from < st.period_from) st.period_from = *from;
    if (auto to = date_of(child(period, "ToDtTm"), where + "/FrToDt/ToDtTm"))
      if (st.period_to.empty() || *to > st.period_to) st.period_to = *to;

    Party owner;
    Node owner_node = child(acct, "Ownr");
    owner.name = text(child(owner_node, "Nm"));
    read_ids(owner_node, owner);
    read_agent(path(acct, {"Svcr", "FinInstnId"}), owner);

    const EntryContext ctx{st.account, owner};
    const auto entries = children(stmt, "Ntry");
    for (std::size_t k = 0; k < entries.size(); ++k)
      read_entry(entries[k], where + "/" + indexed("Ntry", k), ctx, st.documents);
  }
  return st;
}

}  // namespace skybill::statements
