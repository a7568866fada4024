#pragma once
// Endpoint signing secrets at rest: sealed under webhooks.secret_key when one is set.
#include <string>

namespace skybill::webhooks {

// What goes into webhook_endpoints.secret for a new secret.
std::string stored_secret(const std::string& secret);
// The secret that signs, from the stored value (sealed or, from before a key was set, plain).
// Throws crypto::SealError when a sealed value cannot be opened with the configured key.
std::string usable_secret(const std::string& stored);

}  // namespace skybill::webhooks
