// The sandbox acquirer as skybill reaches it: its JSON API over HTTP, exactly as a real
// acquirer's would be reached.
#include <nlohmann/json.hpp>

#include "http_client.hpp"
#include "skybill/acquiring/acquirer.hpp"

namespace skybill::acquiring {
namespace {

class SandboxAcquirer final : public Acquirer {
 public:
  SandboxAcquirer(std::string base_url, std::chrono::milliseconds timeout)
      : base_(std::move(base_url)), timeout_(timeout) {}

  std::string name() const override { return "sandbox"; }

  Started start(const Intent& in) override {
    nlohmann::json body = {{"reference", in.reference},       {"amount_minor", in.amount_minor},
                           {"currency", in.currency},         {"capture", in.capture},
                           {"description", in.description},   {"callback_url", in.callback_url},
                           {"return_url", in.return_url}};
    auto out = call("POST", "/api/sessions", body, 201);
    if (!out.contains("id") || !out["id"].is_string() || !out.contains("redirect_url") ||
        !out["redirect_url"].is_string())
      throw AcquirerError("the acquirer's answer has no session id or redirect URL", false);
    return {out["id"].get<std::string>(), out["redirect_url"].get<std::string>()};
  }

  void capture(const std::string& ref, std::int64_t amount_minor) override {
    call("POST", "/api/sessions/" + ref + "/capture", {{"amount_minor", amount_minor}}, 200);
  }

  void release(const std::string& ref) override {
    call("POST", "/api/sessions/" + ref + "/release", nlohmann::json::object(), 200);
  }

  void refund(const std::string& ref, std::int64_t amount_minor, const std::string& reference) override {
    call("POST", "/api/sessions/" + ref + "/refund", {{"amount_minor", amount_minor}, {"reference", reference}}, 200);
  }

 private:
  nlohmann::json call(const std::string& method, const std::string& path, const nlohmann::json& body, int expect) {
    auto r = http_json(method, base_ + path, body.dump(), {}, timeout_, "skybill-acquiring/1");
    if (!r.status) throw AcquirerError("the acquirer did not answer: " + r.error, true);
    auto parsed = nlohmann::json::parse(r.body, nullptr, false);
    if (*r.status != expect) {
      std::string detail = "HTTP " + std::to_string(*r.status);
      if (parsed.is_object() && parsed.contains("detail") && parsed["detail"].is_string())
        detail += ": " + parsed["detail"].get<std::string>();
      else if (parsed.is_object() && parsed.contains("title") && parsed["title"].is_string())
        detail += ": " + parsed["title"].get<std::string>();
      throw AcquirerError("the acquirer refused " + path + ": " + detail, *r.status >= 500);
    }
    if (parsed.is_discarded()) throw AcquirerError("the acquirer's answer is not JSON", true);
    return parsed;
  }

  std::string base_;
  std::chrono::milliseconds timeout_;
};

}  // namespace

std::unique_ptr<Acquirer> sandbox_acquirer(std::string base_url, std::chrono::milliseconds timeout) {
  return std::make_unique<SandboxAcquirer>(std::move(base_url), timeout);
}

}  // namespace skybill::acquiring
