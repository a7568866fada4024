#pragma once
// Bank statements: parses the files banks export (1CClientBankExchange text, ISO 20022
// camt.053 XML) into one model. Pure: no database, no network, no clock; the same bytes
// always give the same Statement or the same ParseError.
//
// Rules (from the domain reference, DOMAIN.md, "Bank statements"):
// - Amounts are parsed from their decimal text exactly (never via double) into integer minor
//   units of the currency (kopecks for RUB); an amount must be > 0.
// - A file with any error gives a ParseError and nothing else: no partial statement.
// - A statement is for one of our accounts (`own_accounts`): a file that names no account
//   (1C: no РасчСчет), or only accounts that are not ours, or several of our accounts at once
//   is refused (one account per Statement). Our side of every document carries that account.
// - 1C: a document is incoming when the payee account (ПолучательСчет or ПолучательРасчСчет)
//   is the statement's account and ДатаПоступило is filled; outgoing when the payer account
//   (ПлательщикСчет or ПлательщикРасчСчет) is the statement's account and ДатаСписано is
//   filled. A document touching our account without the matching date (typically neither
//   date: not yet executed by the bank) is skipped, not an error; it will appear, dated, in a
//   later statement. Documents touching none of our accounts are skipped without checks.
//   Номер, Дата and Сумма are checked only in documents touching our account.
// - 1C encoding: a UTF-8 BOM, or valid UTF-8 holding Cyrillic, means UTF-8 whatever
//   `Кодировка=` says (banks send UTF-8 labelled Windows). Otherwise the file is decoded from
//   the single-byte encoding in whose bytes the header key `Кодировка` (or `КонецФайла`) is
//   written, CP1251 or CP866, so a wrong `Кодировка=` value does no harm; when neither is
//   found, from Windows-1251 (the format's default).
// - camt.053: versions 001.02 to 001.08, elements matched by local name; several Stmt (of one
//   account) and Ntry; only booked entries (Sts BOOK; others are skipped unchecked); CRDT is
//   incoming, DBIT outgoing. One Document per TxDtls, with its AmtDtls/TxAmt/Amt or Amt (a
//   single TxDtls may use the entry's Amt); amounts in the entry's currency must add up to it.
//   An entry without TxDtls is one Document without counterparty. The counterparty is Dbtr
//   (CRDT) or Cdtr (DBIT) with its account and agent; INN from Id/OrgId/Othr whose scheme is
//   INN or TXID, KPP from scheme KPP. DTDs are refused (no entities, no XXE) and the parser
//   never touches the network.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace skybill::statements {

enum class Format { one_c, camt053 };
enum class Direction { incoming, outgoing };

struct Party {
  std::string name, inn, kpp, account, bic, bank;
};

struct Document {
  // 1C Номер; camt: EndToEndId (unless NOTPROVIDED), else the AcctSvcrRef of the transaction,
  // else the entry's AcctSvcrRef, else NtryRef.
  std::string number;
  std::string date;               // YYYY-MM-DD: 1C Дата; camt BookgDt
  std::int64_t amount_minor = 0;  // > 0, in minor units of `currency` (kopecks for RUB)
  std::string currency;           // "RUB" for 1C; camt Amt/@Ccy (RUR read as RUB)
  Direction direction = Direction::incoming;
  // YYYY-MM-DD: 1C ДатаПоступило (incoming) or ДатаСписано (outgoing); camt ValDt, else BookgDt.
  std::string value_date;
  Party payer, payee;  // our side's account is always the statement's account
  // 1C: НазначениеПлатежа and НазначениеПлатежа1..6 joined with a space (the numbered lines
  // are dropped when they only repeat НазначениеПлатежа split into lines); camt: every
  // RmtInf/Ustrd joined, else the Strd creditor references, else AddtlTxInf / AddtlNtryInf.
  std::string purpose;
  // 1C: the СекцияДокумент value ("Платежное поручение", "Банковский ордер", …);
  // camt: "camt.053 entry".
  std::string kind;
  int line = 0;  // 1C: the line of its СекцияДокумент; camt: 0
  // camt: where it comes from, "Stmt[1]/Ntry[3]", or "Stmt[1]/Ntry[3]/NtryDtls[1]/TxDtls[2]" for
  // one transaction of a batch entry; 1C: empty.
  std::string element;
};

struct Statement {
  Format format = Format::one_c;
  // Our account the statement is for: 1C РасчСчет; camt Acct/Id/IBAN or Acct/Id/Othr/Id.
  std::string account;
  // YYYY-MM-DD when present: 1C ДатаНачала/ДатаКонца; camt FrToDt (earliest and latest Stmt).
  std::string period_from, period_to;
  std::vector<Document> documents;  // executed documents touching `account`, in file order
  // 1C: "windows-1251", "cp866" or "utf-8" (what the bytes are, not what the header says);
  // camt: the XML declaration's encoding in lower case, "utf-8" by default.
  std::string encoding;
};

// A malformed file. `where` says where: "line 57" (1C), "Stmt[1]/Ntry[2]/Amt" (camt), "line 3"
// (an XML syntax error); what() is "<where>: <message>", e.g.
// `line 57: Сумма: "12 000,00" is not an amount`, `Stmt[1]/Ntry[2]/Amt: missing`.
struct ParseError : std::runtime_error {
  std::string where;
  ParseError(std::string where, std::string message);
};

// Detects the format (a `1CClientBankExchange` first line, possibly after a UTF-8 BOM, or XML)
// and parses. `own_accounts`: our settlement accounts (20 digits).
Statement parse(std::string_view file, const std::vector<std::string>& own_accounts);
Statement parse_1c(std::string_view file, const std::vector<std::string>& own_accounts);
Statement parse_camt053(std::string_view file, const std::vector<std::string>& own_accounts);

// A stable identity of a bank document for de-duplication across files (re-exports in another
// encoding or with other line endings give the same key):
// "number|date|payer account|amount_minor|incoming" (or "outgoing").
std::string document_key(const Document& d);

}  // namespace skybill::statements
