#include "skybill/outbound/targets.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace skybill::outbound {
namespace {

struct Block4 {
  std::uint32_t net;
  int bits;
};

// IANA special-purpose IPv4 ranges that are not the public internet.
constexpr std::array<Block4, 16> kBlocked4{{
    {0x00000000, 8},    // "this network"
    {0x0A000000, 8},    // private
    {0x64400000, 10},   // carrier-grade NAT
    {0x7F000000, 8},    // loopback
    {0xA9FE0000, 16},   // link-local (cloud metadata)
    {0xAC100000, 12},   // private
    {0xC0000000, 24},   // IETF protocol assignments
    {0xC0000200, 24},   // documentation
    {0xC0586300, 24},   // 6to4 relay anycast
    {0xC0A80000, 16},   // private
    {0xC6120000, 15},   // benchmarking
    {0xC6336400, 24},   // documentation
    {0xCB007100, 24},   // documentation
    {0xE0000000, 4},    // multicast
    {0xF0000000, 4},    // reserved, broadcast
    {0xFFFFFFFF, 32},
}};

bool public4(std::uint32_t ip) {  // host byte order
  return std::none_of(kBlocked4.begin(), kBlocked4.end(), [ip](const Block4& b) {
    std::uint32_t mask = b.bits == 0 ? 0 : ~std::uint32_t{0} << (32 - b.bits);
    return (ip & mask) == b.net;
  });
}

bool public6(const unsigned char* a) {
  static constexpr unsigned char kZero[16] = {};
  if (std::memcmp(a, kZero, 15) == 0 && (a[15] == 0 || a[15] == 1)) return false;  // :: and ::1
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d): the IPv4 address decides.
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static constexpr unsigned char kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(a, kMapped, 12) == 0 || std::memcmp(a, kNat64, 12) == 0)
    return public4((std::uint32_t{a[12]} << 24) | (std::uint32_t{a[13]} << 16) | (std::uint32_t{a[14]} << 8) | a[15]);
  if ((a[0] & 0xfe) == 0xfc) return false;                 // fc00::/7 unique local
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return false;  // fe80::/10 link-local
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return false;  // fec0::/10 site-local (deprecated)
  if (a[0] == 0xff) return false;                           // multicast
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) return false;  // 2001:db8::/32 documentation
  if (a[0] == 0x01 && a[1] == 0 && std::memcmp(a + 2, kZero, 6) == 0) return false;  // 100::/64 discard
  return true;
}

std::string unbracketed(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

}  // namespace

bool is_public_address(const sockaddr* address) {
  if (!address) return false;
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    return public4(ntohl(v4->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    return public6(v6->sin6_addr.s6_addr);
  }
  return false;  // Unix sockets and anything else
}

bool is_ip_literal(const std::string& host) {
  auto h = unbracketed(host);
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, h.c_str(), &v4) == 1 || inet_pton(AF_INET6, h.c_str(), &v6) == 1;
}

bool is_public_ip(const std::string& literal) {
  auto h = unbracketed(literal);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return public4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) return public6(v6.s6_addr);
  return false;
}

bool is_allowed_host(const std::string& host) {
  if (is_ip_literal(host)) return is_public_ip(host);
  std::string lower(host);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  while (!lower.empty() && lower.back() == '.') lower.pop_back();
  return !lower.empty() && lower != "localhost" && !lower.ends_with(".localhost");
}

}  // namespace skybill::outbound
