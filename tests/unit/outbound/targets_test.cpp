#include "skybill/outbound/targets.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

namespace skybill::outbound {
namespace {

TEST(Targets, PrivateLoopbackLinkLocalAndReservedIpv4AreNotPublic) {
  for (const char* ip : {"0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254",
                         "127.0.0.1", "127.1.2.3", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8",
                         "192.0.2.1", "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.19.255.255", "198.51.100.7",
                         "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255"}) {
    SCOPED_TRACE(ip);
    EXPECT_TRUE(is_ip_literal(ip));
    EXPECT_FALSE(is_public_ip(ip));
    EXPECT_FALSE(is_allowed_host(ip));
  }
}

TEST(Targets, PublicIpv4IsPublicRightAtTheEdgesOfTheBlocks) {
  for (const char* ip : {"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
                         "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255",
                         "172.32.0.0", "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0",
                         "223.255.255.255", "77.88.55.242"}) {
    SCOPED_TRACE(ip);
    EXPECT_TRUE(is_public_ip(ip));
    EXPECT_TRUE(is_allowed_host(ip));
  }
}

TEST(Targets, Ipv6) {
  for (const char* ip : {"::", "::1", "[::1]", "fc00::1", "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1",
                         "2001:db8::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "64:ff9b::a9fe:a9fe", "100::1"}) {
    SCOPED_TRACE(ip);
    EXPECT_TRUE(is_ip_literal(ip));
    EXPECT_FALSE(is_public_ip(ip));
  }
  for (const char* ip : {"2a00:1450:4010:c05::8b", "[2606:4700::1111]", "::ffff:8.8.8.8", "64:ff9b::808:808"}) {
    SCOPED_TRACE(ip);
    EXPECT_TRUE(is_public_ip(ip));
  }
}

TEST(Targets, NamesAreAllowedButLocalhost) {
  EXPECT_TRUE(is_allowed_host("hooks.airline.example"));
  EXPECT_FALSE(is_ip_literal("hooks.airline.example"));
  for (const char* name : {"localhost", "LOCALHOST", "localhost.", "api.localhost", "", "."}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(is_allowed_host(name));
  }
}

TEST(Targets, SocketAddresses) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  inet_pton(AF_INET, "169.254.169.254", &v4.sin_addr);
  EXPECT_FALSE(is_public_address(reinterpret_cast<sockaddr*>(&v4)));
  inet_pton(AF_INET, "93.184.216.34", &v4.sin_addr);
  EXPECT_TRUE(is_public_address(reinterpret_cast<sockaddr*>(&v4)));
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:192.168.0.1", &v6.sin6_addr);
  EXPECT_FALSE(is_public_address(reinterpret_cast<sockaddr*>(&v6)));
  inet_pton(AF_INET6, "2a00:1450:4010:c05::8b", &v6.sin6_addr);
  EXPECT_TRUE(is_public_address(reinterpret_cast<sockaddr*>(&v6)));
  sockaddr other{};
  other.sa_family = AF_UNIX;
  EXPECT_FALSE(is_public_address(&other));
  EXPECT_FALSE(is_public_address(nullptr));
}

}  // namespace
}  // namespace skybill::outbound
