#pragma once
// Which addresses an outbound request (a webhook) may reach: public internet addresses only,
// unless private targets are allowed (tests, receivers on the gateway's own network). Pure.
#include <string>

struct sockaddr;

namespace skybill::outbound {

// False for loopback, private (RFC 1918, unique local), link-local (cloud metadata at
// 169.254.169.254), carrier-grade NAT, "this network", documentation, benchmarking, multicast
// and reserved ranges, and their IPv4-mapped IPv6 forms.
bool is_public_address(const sockaddr* address);
// "10.0.0.1", "::1", "[::1]": an IP address rather than a name.
bool is_ip_literal(const std::string& host);
// The same rule as is_public_address for an IP literal; false for anything else.
bool is_public_ip(const std::string& literal);
// A host a URL may name when private targets are refused: not an IP literal that is not public,
// and not "localhost" (or a name under .localhost). Names are checked again when connecting.
bool is_allowed_host(const std::string& host);

}  // namespace skybill::outbound
