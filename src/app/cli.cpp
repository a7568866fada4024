#include "skybill/app/cli.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.hpp"
#include "serve.hpp"
#include "skybill/app/config.hpp"
#include "skybill/core/calendar.hpp"
#include "skybill/core/clock.hpp"
#include "skybill/settlement/rules.hpp"
#include "skybill/settlement/settlement.hpp"
#include "skybill/db/migrations.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/identity/accounts.hpp"
#include "skybill/identity/credit.hpp"
#include "skybill/identity/staff.hpp"
#include "skybill/issuing/issuing.hpp"
#include "skybill/ledger/ledger.hpp"
#include "skybill/log/log.hpp"

namespace skybill::app {
namespace {

constexpr const char* kUsage = R"(skybill — payment gateway for airline bookings paid by invoice

Usage: skybill <command> [options]

Commands:
  serve                                 migrate, then serve HTTP until SIGTERM/SIGINT
  migrate                               apply pending migrations and exit
  merchant create --name N --inn INN [--kpp K] [--timezone Europe/Moscow] [--email E]
                  [--invoice-prefix P] [--live]
                                        create an airline; prints its id, invoice prefix and a new API key
                                        (shown once); --email is its contact address (webhook and account
                                        notices); without --invoice-prefix one is derived from the name
  merchant show --merchant ID           an airline's fields, invoice series and settings
  merchant update --merchant ID [--name N] [--email E|none] [--timezone Z] [--invoice-prefix P]
                                        change an airline's fields (audited); a new prefix starts a new
                                        invoice series, refused when another airline holds it
  merchant settlement --merchant ID [--commission-percent 1.5] [--commission-fixed RUB:30.00]
                    [--cutoff 18:00] [--payee-account 20 digits --payee-bic 9 digits
                    --payee-bank NAME --payee-correspondent-account 20 digits]
                    [--payee-name N --payee-inn INN --payee-kpp K]
                                        set how an airline is settled (audited); "none" clears a value
  merchant documents --merchant ID [--address A] [--signer "Surname Name [Patronymic]"
                    --signer-position P] [--edo-id ID] [--delivery none|edo|post]
                    [--postal-address A] [--vat-invoice yes|no]
                                        what an airline's closing documents say of it (audited);
                                        "none" clears a value
  merchant key create --merchant ID [--live]
                                        issue another API key for a merchant
  merchant key revoke --key-id ID       revoke a merchant API key at once
  staff key create --name N --role admin|accountant|support
                                        create a staff user with a staff key (ss_…, shown once)
  staff key revoke --key-id ID          revoke a staff key
  staff user create --name N --email E --role admin|accountant|support|airline [--merchant ID]
                    [--password-file F]
                                        create a staff user who signs in with e-mail and password
                                        (the first line of F, else of stdin; weak ones refused);
                                        how the first admin is made; --merchant: airline staff's airline
  staff user disable --email E          the user can no longer sign in; its sessions end at once
  client credit set --inn INN [--kpp K] --limit 500000.00 [--currency RUB] --deferral-days N
                    [--approved|--not-approved]
                                        set a client's credit line (approved unless --not-approved)
  client deposit add --inn INN [--kpp K] --amount 100000.00 [--currency RUB]
                                        a manual deposit top-up, posted to the ledger
  client show --inn INN [--kpp K]       a client's credit lines and deposits per currency
  settlement run --day YYYY-MM-DD      settle a business day now (after an outage): one payout per
                                        airline and currency; running it again changes nothing
  ledger verify                         check that every entry and the whole book balance
                                        (exit 1 and the imbalances when they do not)
  config                                print the settings in effect
  help, --help                          this text
  version, --version                    the version

Settings (config/skybill.json, or the file in SKYBILL_CONFIG; environment variables override):
)";

std::string usage_text() {
  std::string out = kUsage;
  for (const auto& s : describe(Config{})) {
    std::string line = "  " + s.env;
    line.resize(std::max<std::size_t>(line.size() + 1, 34), ' ');
    out += line + s.help + " [" + s.key + ", default: " + (s.current.empty() ? "none" : s.current) + "]\n";
  }
  return out;
}

Config configured() {
  auto config = load_config([](const char* name) { return std::getenv(name); });
  log::init(log::parse_level(config.log_level), log::parse_format(config.log_format));
  return config;
}

Config with_database() {
  auto config = configured();
  if (config.database_url.empty())
    throw ConfigError("SKYBILL_DATABASE_URL: not set (database.url in the config file); this command needs it");
  return config;
}

void print(const nlohmann::json& j) { std::cout << j.dump(2) << std::endl; }

int cmd_migrate() {
  auto config = with_database();
  auto applied = db::migrate(config.database_url, db::load_migrations(config.paths_migrations));
  print({{"applied", applied}});
  return 0;
}


int cmd_merchant(const std::vector<std::string>& args) {
  auto config = with_database();
  db::Pool pool({.url = config.database_url, .size = 1});
  identity::Accounts accounts(pool);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "create") {
    Options o(rest, {"name", "inn", "kpp", "timezone", "email", "invoice-prefix"}, {"live"});
    identity::MerchantInput in{o.required("name"),
                               o.required("inn"),
                               o.optional("kpp").value_or(""),
                               o.optional("timezone").value_or("Europe/Moscow"),
                               o.optional("email").value_or(""),
                               o.optional("invoice-prefix").value_or("")};
    auto m = accounts.create_merchant(in, o.flag("live"));
    print({{"merchant_id", m.merchant_id},
           {"invoice_prefix", m.invoice_prefix},
           {"key_id", m.key.key_id},
           {"api_key", m.key.secret}});
    return 0;
  }
  if (args[0] == "show") {
    Options o(rest, {"merchant"}, {});
    print(accounts.show_merchant(o.required("merchant")));
    return 0;
  }
  if (args[0] == "update") {
    Options o(rest, {"merchant", "name", "email", "timezone", "invoice-prefix"}, {});
    auto merchant = o.required("merchant");
    nlohmann::json patch = nlohmann::json::object();
    if (auto v = o.optional("name")) patch["name"] = *v;
    if (auto v = o.optional("timezone")) patch["timezone"] = *v;
    if (auto v = o.optional("invoice-prefix")) patch["invoice_prefix"] = *v;
    if (auto v = o.optional("email")) patch["contact_email"] = *v == "none" ? nlohmann::json(nullptr) : nlohmann::json(*v);
    if (patch.empty()) throw UsageError("merchant update: give at least one of --name, --email, --timezone, --invoice-prefix");
    print(accounts.update_merchant(merchant, identity::parse_merchant_patch(patch)));
    return 0;
  }
  if (args[0] == "settlement") {
    Options o(rest, {"merchant", "commission-percent", "commission-fixed", "cutoff", "payee-account", "payee-bic",
                     "payee-bank", "payee-correspondent-account", "payee-name", "payee-inn", "payee-kpp"},
              {});
    auto merchant = o.required("merchant");
    auto value = [&](const char* name) -> std::optional<nlohmann::json> {
      auto v = o.optional(name);
      if (!v) return std::nullopt;
      return *v == "none" ? nlohmann::json(nullptr) : nlohmann::json(*v);
    };
    nlohmann::json patch = nlohmann::json::object();
    if (auto v = value("commission-percent")) patch["commission_percent"] = *v;
    if (auto v = value("cutoff")) patch["cutoff"] = *v;
    if (auto v = o.optional("commission-fixed")) {
      auto colon = v->find(':');
      if (*v == "none") patch["commission_fixed"] = nullptr;
      else if (colon == std::string::npos) throw UsageError("--commission-fixed takes CURRENCY:AMOUNT, e.g. RUB:30.00");
      else patch["commission_fixed"][v->substr(0, colon)] = v->substr(colon + 1);
    }
    for (const char* field : {"account", "bic", "bank", "correspondent_account", "name", "inn", "kpp"}) {
      std::string flag = std::string("payee-") + field;
      std::replace(flag.begin(), flag.end(), '_', '-');
      if (auto v = value(flag.c_str())) patch["payee"][field] = *v;
    }
    if (patch.empty()) throw UsageError("merchant settlement: give at least one setting to change");
    auto after = settlement::configure_merchant(pool, merchant, patch, "cli",
                                                settlement::parse_cutoff(config.settlement_cutoff));
    print({{"merchant_id", merchant}, {"settlement", after}});
    return 0;
  }
  if (args[0] == "documents") {
    Options o(rest, {"merchant", "address", "signer", "signer-position", "edo-id", "delivery", "postal-address",
                     "vat-invoice"},
              {});
    auto merchant = o.required("merchant");
    nlohmann::json patch = nlohmann::json::object();
    auto set = [&](const char* flag, const char* field) {
      if (auto v = o.optional(flag)) patch[field] = *v == "none" ? nlohmann::json(nullptr) : nlohmann::json(*v);
    };
    set("address", "address");
    set("edo-id", "edo_id");
    set("delivery", "delivery");
    set("postal-address", "postal_address");
    if (auto v = o.optional("vat-invoice")) {
      if (*v != "yes" && *v != "no") throw UsageError("--vat-invoice takes yes (УПД СЧФДОП) or no (ДОП)");
      patch["vat_invoice"] = *v == "yes";
    }
    if (auto name = o.optional("signer")) {
      auto signer = issuing::signer_from_name(*name, o.optional("signer-position").value_or(""));
      patch["signer"] = {{"last_name", signer.last_name}, {"first_name", signer.first_name},
                         {"middle_name", signer.middle_name}, {"position", signer.position}};
    } else if (o.optional("signer-position")) {
      throw UsageError("--signer-position goes with --signer");
    }
    if (patch.empty()) throw UsageError("merchant documents: give at least one setting to change");
    print({{"merchant_id", merchant}, {"documents", issuing::configure_merchant_documents(pool, merchant, patch, "cli")}});
    return 0;
  }
  if (args[0] == "key" && args.size() >= 2) {
    std::vector<std::string> opts(args.begin() + 2, args.end());
    if (args[1] == "create") {
      Options o(opts, {"merchant"}, {"live"});
      auto merchant = o.required("merchant");
      auto k = accounts.create_merchant_key(merchant, o.flag("live"));
      print({{"merchant_id", merchant}, {"key_id", k.key_id}, {"api_key", k.secret}});
      return 0;
    }
    if (args[1] == "revoke") {
      Options o(opts, {"key-id"}, {});
      auto id = o.required("key-id");
      accounts.revoke_merchant_key(id);
      print({{"key_id", id}, {"revoked", true}});
      return 0;
    }
  }
  throw UsageError("unknown merchant command; see skybill --help");
}

// The password of `staff user create`: the first line of --password-file, else of stdin.
std::string read_password(const std::optional<std::string>& file) {
  std::string line;
  if (file) {
    std::ifstream in(*file);
    if (!in) throw UsageError("cannot read the password file " + *file);
    std::getline(in, line);
  } else {
    std::getline(std::cin, line);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int cmd_staff_user(const std::vector<std::string>& args) {
  auto config = with_database();
  db::Pool pool({.url = config.database_url, .size = 1});
  core::OffsetClock clock(std::chrono::seconds(config.clock_offset_seconds));
  std::vector<std::string> opts(args.begin() + 2, args.end());
  if (args[1] == "create") {
    Options o(opts, {"name", "email", "role", "merchant", "password-file"}, {});
    identity::StaffInput in{o.required("name"), o.required("email"), o.required("role"),
                            o.optional("merchant").value_or(""), read_password(o.optional("password-file"))};
    print(identity::create_staff_user(pool, clock, in, config.staff_password_iterations));
    return 0;
  }
  if (args[1] == "disable") {
    Options o(opts, {"email"}, {});
    print(identity::disable_staff_user(pool, clock, o.required("email")));
    return 0;
  }
  throw UsageError("unknown staff command; see skybill --help");
}

int cmd_staff(const std::vector<std::string>& args) {
  if (args.size() >= 2 && args[0] == "user") return cmd_staff_user(args);
  if (args.size() < 2 || args[0] != "key") throw UsageError("unknown staff command; see skybill --help");
  auto config = with_database();
  db::Pool pool({.url = config.database_url, .size = 1});
  identity::Accounts accounts(pool);
  std::vector<std::string> opts(args.begin() + 2, args.end());
  if (args[1] == "create") {
    Options o(opts, {"name", "role"}, {});
    auto s = accounts.create_staff_key(o.required("name"), o.required("role"));
    print({{"staff_id", s.staff_id}, {"key_id", s.key.key_id}, {"staff_key", s.key.secret}});
    return 0;
  }
  if (args[1] == "revoke") {
    Options o(opts, {"key-id"}, {});
    auto id = o.required("key-id");
    accounts.revoke_staff_key(id);
    print({{"key_id", id}, {"revoked", true}});
    return 0;
  }
  throw UsageError("unknown staff command; see skybill --help");
}

nlohmann::json client_json(const identity::ClientSummary& c) {
  return {{"id", c.id}, {"inn", c.inn}, {"kpp", c.kpp}, {"name", c.name}};
}

nlohmann::json credit_line_json(const identity::CreditLine& l) {
  return {{"limit", l.limit.to_string()},
          {"used", l.used.to_string()},
          {"available", l.available.to_string()},
          {"deferral_days", l.deferral_days},
          {"approved", l.approved}};
}

// "30" -> 30; anything but 1 to 3 digits -> -1, which the use case reports as out of range.
int days_option(const std::string& text) {
  if (text.empty() || text.size() > 3) return -1;
  for (char c : text)
    if (c < '0' || c > '9') return -1;
  return std::stoi(text);
}

int cmd_client(const std::vector<std::string>& args) {
  auto sub = [&](std::size_t from) { return std::vector<std::string>(args.begin() + from, args.end()); };
  std::optional<Options> o;
  if (args.size() >= 2 && args[0] == "credit" && args[1] == "set")
    o.emplace(sub(2), std::set<std::string>{"inn", "kpp", "limit", "currency", "deferral-days"},
              std::set<std::string>{"approved", "not-approved"});
  else if (args.size() >= 2 && args[0] == "deposit" && args[1] == "add")
    o.emplace(sub(2), std::set<std::string>{"inn", "kpp", "amount", "currency"}, std::set<std::string>{});
  else if (args[0] == "show")
    o.emplace(sub(1), std::set<std::string>{"inn", "kpp"}, std::set<std::string>{});
  else
    throw UsageError("unknown client command; see skybill --help");
  identity::ClientRef client{o->required("inn"), o->optional("kpp").value_or("")};
  const auto currency = o->optional("currency").value_or("RUB");

  if (args[0] == "credit") {
    if (o->flag("approved") && o->flag("not-approved"))
      throw UsageError("--approved and --not-approved exclude each other");
    auto limit = o->required("limit");
    auto days = o->required("deferral-days");
    auto config = with_database();
    db::Pool pool({.url = config.database_url, .size = 1});
    auto set = identity::Credit(pool).set_credit_line(client, currency, limit, days_option(days),
                                                      !o->flag("not-approved"));
    print({{"client", client_json(set.client)}, {"currency", currency}, {"credit_line", credit_line_json(set.line)}});
    return 0;
  }
  if (args[0] == "deposit") {
    auto amount = o->required("amount");
    auto config = with_database();
    db::Pool pool({.url = config.database_url, .size = 1});
    auto d = identity::Credit(pool).add_deposit(client, currency, amount);
    print({{"client", client_json(d.client)},
           {"currency", currency},
           {"amount", d.amount.to_string()},
           {"deposit", d.balance.to_string()},
           {"entry_id", d.entry_id}});
    return 0;
  }
  auto config = with_database();
  db::Pool pool({.url = config.database_url, .size = 1});
  auto b = identity::Credit(pool).client_balances(client);
  nlohmann::json balances = nlohmann::json::object();
  for (const auto& c : b.currencies)
    balances[c.currency] = {{"credit_line", c.credit_line ? credit_line_json(*c.credit_line) : nlohmann::json()},
                            {"deposit", c.deposit.to_string()}};
  print({{"client", client_json(b.client)}, {"deposit_reference", b.deposit_reference}, {"balances", balances}});
  return 0;
}

int cmd_ledger(const std::vector<std::string>& args) {
  if (args[0] != "verify") throw UsageError("unknown ledger command; see skybill --help");
  Options(std::vector<std::string>(args.begin() + 1, args.end()), {}, {});
  auto config = with_database();
  db::Pool pool({.url = config.database_url, .size = 1});
  std::vector<ledger::Imbalance> imbalances;
  ledger::BookSize size;
  pool.transact_sync([&](db::Tx& tx) {
    imbalances = ledger::verify(tx);
    size = ledger::book_size(tx);
  });
  nlohmann::json list = nlohmann::json::array();
  for (const auto& i : imbalances)
    list.push_back({{"entry_id", i.entry_id.empty() ? nlohmann::json() : nlohmann::json(i.entry_id)}, {"what", i.what}});
  print({{"balanced", imbalances.empty()},
         {"accounts", size.accounts},
         {"entries", size.entries},
         {"postings", size.postings},
         {"imbalances", list}});
  if (imbalances.empty()) return 0;
  std::cerr << "skybill: the ledger does not balance: " << imbalances.size() << " imbalance(s), the first: "
            << imbalances.front().what << "\n";
  return 1;
}

int cmd_settlement(const std::vector<std::string>& args) {
  if (args[0] != "run") throw UsageError("unknown settlement command; see skybill --help");
  Options o(std::vector<std::string>(args.begin() + 1, args.end()), {"day"}, {});
  auto day = core::parse_iso_date(o.required("day"));
  auto config = with_database();
  auto calendar = core::BusinessCalendar::load(config.paths_calendars);
  db::Pool pool({.url = config.database_url, .size = 1});
  core::OffsetClock clock(std::chrono::seconds(config.clock_offset_seconds));
  settlement::Context ctx{.pool = pool,
                          .clock = clock,
                          .calendar = calendar,
                          .default_cutoff = settlement::parse_cutoff(config.settlement_cutoff),
                          .gateway = gateway_requisites(config)};
  auto result = settlement::run_day(ctx, day, "cli");
  print(result);
  if (result["errors"].empty()) return 0;
  std::cerr << "skybill: " << result["errors"].size() << " airline(s) could not be settled; the first: "
            << result["errors"][0]["error"].get<std::string>() << "\n";
  return 1;
}

int cmd_config() {
  auto config = configured();
  nlohmann::json out = nlohmann::json::object();
  for (const auto& s : describe(config)) out[s.key] = s.current;
  print(out);
  return 0;
}

int dispatch(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << usage_text();
    return 2;
  }
  if (args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::cout << usage_text();
    return 0;
  }
  const auto& cmd = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "version" || cmd == "--version") {
    std::cout << "skybill " << SKYBILL_VERSION << " (" << SKYBILL_COMMIT << ")\n";
    return 0;
  }
  if (cmd == "serve") {
    Options(rest, {}, {});
    return serve(with_database());
  }
  if (cmd == "migrate") {
    Options(rest, {}, {});
    return cmd_migrate();
  }
  if (cmd == "config") return cmd_config();
  if (cmd == "merchant" && !rest.empty()) return cmd_merchant(rest);
  if (cmd == "staff" && !rest.empty()) return cmd_staff(rest);
  if (cmd == "client" && !rest.empty()) return cmd_client(rest);
  if (cmd == "ledger" && !rest.empty()) return cmd_ledger(rest);
  if (cmd == "settlement" && !rest.empty()) return cmd_settlement(rest);
  throw UsageError("unknown command: " + cmd + "; see skybill --help");
}

}  // namespace

int run_cli(const std::vector<std::string>& args) {
  try {
    return dispatch(args);
  } catch (const UsageError& e) {
    std::cerr << "skybill: " << e.what() << "\n";
    return 2;
  } catch (const ConfigError& e) {
    std::cerr << "skybill: configuration error: " << e.what() << "\n";
    return 2;
  } catch (const core::Problem& p) {
    std::string line = p.title + (p.detail.empty() ? "" : ": " + p.detail);
    for (const auto& e : p.errors) line += "; " + e.field + " " + e.message;
    std::cerr << "skybill: " << line << "\n";
    return 1;
  } catch (const db::MigrationError& e) {
    std::cerr << "skybill: migration error: " << e.what() << "\n";
    return 1;
  } catch (const core::CalendarError& e) {
    std::cerr << "skybill: calendar error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "skybill: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace skybill::app
