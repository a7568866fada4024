#include "skybill/crypto/seal.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <vector>

namespace skybill::crypto {
namespace {

constexpr std::string_view kPrefix = "sealed:v1:";
constexpr int kNonce = 12, kTag = 16, kKey = 32;

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool from_hex(std::string_view hex, std::vector<unsigned char>& out) {
  if (hex.size() % 2) return false;
  out.resize(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 15];
  }
  return out;
}

std::vector<unsigned char> key_bytes(std::string_view key_hex) {
  std::vector<unsigned char> key;
  if (key_hex.size() != 2 * kKey || !from_hex(key_hex, key)) throw SealError("the key must be 64 hex characters");
  return key;
}

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

}  // namespace

bool is_key_hex(std::string_view key_hex) {
  std::vector<unsigned char> key;
  return key_hex.size() == 2 * kKey && from_hex(key_hex, key);
}

bool is_sealed(std::string_view value) { return value.starts_with(kPrefix); }

std::string seal(std::string_view key_hex, std::string_view plaintext) {
  auto key = key_bytes(key_hex);
  std::vector<unsigned char> out(kNonce + plaintext.size() + kTag);
  if (RAND_bytes(out.data(), kNonce) != 1) throw SealError("no random bytes for the nonce");
  Ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0, total = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), out.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data() + kNonce, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1)
    throw SealError("encryption failed");
  total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonce + total, &len) != 1) throw SealError("encryption failed");
  total += len;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, out.data() + kNonce + total) != 1)
    throw SealError("encryption failed");
  std::string sealed(kPrefix);
  sealed.append(to_hex(out.data(), kNonce + static_cast<std::size_t>(total) + kTag));
  return sealed;
}

std::string open_sealed(std::string_view key_hex, std::string_view sealed) {
  auto key = key_bytes(key_hex);
  std::vector<unsigned char> in;
  if (!is_sealed(sealed) || !from_hex(sealed.substr(kPrefix.size()), in) || in.size() < kNonce + kTag)
    throw SealError("not a sealed value");
  const int body = static_cast<int>(in.size()) - kNonce - kTag;
  std::string plain(static_cast<std::size_t>(body), '\0');
  Ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), in.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, in.data() + kNonce, body) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, in.data() + kNonce + body) != 1)
    throw SealError("decryption failed");
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &final_len) != 1)
    throw SealError("the sealed value was altered, or sealed under another key");
  plain.resize(static_cast<std::size_t>(len + final_len));
  return plain;
}

}  // namespace skybill::crypto
