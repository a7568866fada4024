#pragma once
// What skybill asks of a card acquirer. A real acquirer is reached over HTTPS; the built-in
// sandbox is reached over HTTP on the loopback, through the same code path (libcurl). Every
// call blocks: run it off the I/O threads.
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace skybill::acquiring {

// A payment the acquirer is asked to take.
struct Intent {
  std::string reference;      // skybill's attempt id; the acquirer's callback names it
  std::int64_t amount_minor;  // in `currency`'s minor units
  std::string currency;       // the invoice's ISO 4217 code; the acquirer charges in it, never converts
  bool capture;               // true: capture at once (card); false: authorise only (card_hold)
  std::string description;    // shown on the acquirer's page
  std::string callback_url;   // where the signed callback goes
  std::string return_url;     // where the payer's browser is sent back to (303)
};

struct Started {
  std::string acquirer_ref;  // the acquirer's id of the session
  std::string redirect_url;  // its card page: the payer's browser goes there
};

// The acquirer could not be reached or refused the call. `retryable`: a timeout, a refused
// connection or a 5xx (try again later); otherwise the acquirer said no (4xx).
struct AcquirerError : std::runtime_error {
  AcquirerError(const std::string& what, bool retryable) : std::runtime_error(what), retryable(retryable) {}
  bool retryable;
};

class Acquirer {
 public:
  virtual ~Acquirer() = default;
  virtual std::string name() const = 0;  // "sandbox"
  // Opens a payment session. Throws AcquirerError.
  virtual Started start(const Intent& intent) = 0;
  // Captures an authorised hold (up to its amount); the rest of the hold is released. A repeat
  // of a capture that was done is harmless. Throws AcquirerError.
  virtual void capture(const std::string& acquirer_ref, std::int64_t amount_minor) = 0;
  // Releases an authorised hold; harmless when it was released already. Throws AcquirerError.
  virtual void release(const std::string& acquirer_ref) = 0;
  // Refunds captured money; `reference` makes a repeat harmless. Throws AcquirerError.
  virtual void refund(const std::string& acquirer_ref, std::int64_t amount_minor, const std::string& reference) = 0;
};

// The sandbox acquirer's API at `base_url` ("http://127.0.0.1:8080/sandbox-acquirer").
std::unique_ptr<Acquirer> sandbox_acquirer(std::string base_url, std::chrono::milliseconds timeout);

}  // namespace skybill::acquiring
