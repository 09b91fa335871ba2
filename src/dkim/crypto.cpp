#include "senderauth/dkim/crypto.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <algorithm>
#include <mutex>
#include <string>

#include "senderauth/core/base64.hpp"

namespace senderauth::dkim {

namespace {

// Fetched once: implicit fetches per EVP_DigestInit cost a lock and a lookup.
const EVP_MD* md_for(HashAlgorithm hash) {
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return hash == HashAlgorithm::sha256 ? sha256 : sha1;
}

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* key) {
  return std::shared_ptr<EVP_PKEY>(key, [](EVP_PKEY* k) { EVP_PKEY_free(k); });
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Ed25519 signatures are verified by libsodium: about twice as fast as OpenSSL 3.0 here
// (docs/performance.md, run 15), and it refuses public keys of small order, such as 32 zero
// bytes, with which OpenSSL accepts a forged signature on any message.
bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// Refuses an RSA key's public exponent, saying why. The key's publisher chooses e, and
// verifying costs one exponentiation by it: OpenSSL bounds e to 64 bits only above 3072-bit
// moduli, so a 2048-bit key with a 2048-bit e makes each verification cost about a hundred
// ordinary ones (measured: 1.2 ms against 13 us), per signature, for any sender who wants to
// slow us down. Go's crypto/rsa refuses e above 2^31 - 1; so do we. e = 1 (every signature
// forgeable) and even e (not an RSA key) are refused too; real keys use 65537 or 3.
Result<void> check_rsa_exponent(const EVP_PKEY* key) {
  BIGNUM* e = nullptr;
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) != 1 || !e) {
    return make_error("p= is not a valid RSA public key (no public exponent)");
  }
  const int bits = BN_num_bits(e);
  const bool odd = BN_is_odd(e) != 0;
  BN_free(e);
  if (bits > 31) {
    return make_error("RSA public exponent of " + std::to_string(bits) +
                      " bits refused (the limit is 31 bits, as in Go's crypto/rsa: a large "
                      "exponent makes verifying cost as much as signing)");
  }
  if (bits < 2 || !odd) return make_error("RSA public exponent is not an odd number of at least 3");
  return {};
}

struct PkeyCtx {
  EVP_PKEY_CTX* ctx;
  explicit PkeyCtx(EVP_PKEY_CTX* c) : ctx(c) {}
  explicit PkeyCtx(EVP_PKEY* key) : ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr)) {}
  ~PkeyCtx() { EVP_PKEY_CTX_free(ctx); }
  PkeyCtx(const PkeyCtx&) = delete;
  PkeyCtx& operator=(const PkeyCtx&) = delete;
};

// A fresh EVP_PKEY_CTX (provider lookups, padding and digest set-up) costs ~3 us of a ~16 us
// RSA-2048 verification on this project's machine; duplicating one set up in advance costs
// ~0.1 us. `openssl speed` likewise sets its context up once.
EVP_PKEY_CTX* rsa_verify_ctx(EVP_PKEY* key, HashAlgorithm hash) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
  if (ctx && EVP_PKEY_verify_init(ctx) == 1 &&
      EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
      EVP_PKEY_CTX_set_signature_md(ctx, md_for(hash)) == 1) {
    return ctx;
  }
  EVP_PKEY_CTX_free(ctx);
  return nullptr;
}

struct MdCtx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~MdCtx() { EVP_MD_CTX_free(ctx); }
};

struct Bio {
  BIO* bio;
  explicit Bio(BIO* b) : bio(b) {}
  ~Bio() { BIO_free(bio); }
};

}  // namespace

// Shared by copies of a key, which may verify on several threads at once: the template is only
// read, and the duplication is serialised anyway (it is short) so that no OpenSSL internals
// are relied on for that.
struct PublicKey::RsaVerifyContext {
  explicit RsaVerifyContext(EVP_PKEY_CTX* c) : ctx(c) {}
  ~RsaVerifyContext() { EVP_PKEY_CTX_free(ctx); }
  RsaVerifyContext(const RsaVerifyContext&) = delete;
  RsaVerifyContext& operator=(const RsaVerifyContext&) = delete;

  EVP_PKEY_CTX* duplicate() {
    std::lock_guard<std::mutex> lock(mutex);
    return EVP_PKEY_CTX_dup(ctx);
  }

  EVP_PKEY_CTX* ctx;
  std::mutex mutex;
};

Hasher::Hasher(HashAlgorithm hash) : hash_(hash), ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(ctx_, md_for(hash_), nullptr);
}
Hasher::~Hasher() {
  EVP_MD_CTX_free(ctx_);
}
Hasher::Hasher(Hasher&& other) noexcept
    : hash_(other.hash_), ctx_(other.ctx_), finished_(other.finished_) {
  other.ctx_ = nullptr;
}
Hasher& Hasher::operator=(Hasher&& other) noexcept {
  std::swap(hash_, other.hash_);
  std::swap(ctx_, other.ctx_);
  std::swap(finished_, other.finished_);
  return *this;
}

void Hasher::restart_if_finished() {
  if (!finished_) return;
  EVP_DigestInit_ex(ctx_, md_for(hash_), nullptr);
  finished_ = false;
}

void Hasher::update(std::string_view data) {
  restart_if_finished();
  if (!data.empty()) EVP_DigestUpdate(ctx_, data.data(), data.size());
}

std::string Hasher::finish() {
  restart_if_finished();  // finish() twice: the digest of nothing, as before
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, out, &len);
  finished_ = true;
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string digest(HashAlgorithm hash, std::string_view data) {
  // One call, with no Hasher context left behind to free.
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md_for(hash), nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

Result<PublicKey> PublicKey::from_record(const KeyRecord& record) {
  if (record.revoked()) return make_error("key revoked (empty p=)");
  return from_der(record.key_type, record.public_key);
}

Result<PublicKey> PublicKey::from_der(KeyType type, std::string_view der) {
  PublicKey key;
  key.type_ = type;
  if (type == KeyType::ed25519) {
    if (der.size() != key.ed25519_.size()) {
      return make_error("ed25519 public key has " + std::to_string(der.size()) + " bytes, not 32");
    }
    if (!sodium_ready()) return make_error("ed25519 unavailable: libsodium failed to initialise");
    std::copy(der.begin(), der.end(), key.ed25519_.begin());
    return key;
  }
  const unsigned char* p = bytes(der);
  EVP_PKEY* k = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (!k || p != bytes(der) + der.size()) {
    EVP_PKEY_free(k);
    // RFC 6376 3.6.1's wording allows a bare PKCS#1 RSAPublicKey; some publish that.
    p = bytes(der);
    k = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size()));
    if (!k || p != bytes(der) + der.size()) {
      EVP_PKEY_free(k);
      return make_error("p= is not a valid RSA public key");
    }
  }
  if (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA) {
    EVP_PKEY_free(k);
    return make_error("p= holds a non-RSA key in a k=rsa record");
  }
  key.key_ = own(k);
  if (auto exponent = check_rsa_exponent(k); !exponent) return exponent.error();
  if (const int bits = EVP_PKEY_get_bits(k); bits > kMaxRsaKeyBits) {
    return make_error("RSA key of " + std::to_string(bits) + " bits refused (the maximum is " +
                      std::to_string(kMaxRsaKeyBits) +
                      "; RFC 8301 asks verifiers for 1024 to 4096 bits)");
  }
  if (EVP_PKEY_CTX* ctx = rsa_verify_ctx(k, HashAlgorithm::sha256)) {
    key.rsa_sha256_ = std::make_shared<RsaVerifyContext>(ctx);
  }
  return key;
}

int PublicKey::bits() const {
  if (type_ == KeyType::ed25519) return 253;  // as OpenSSL counts an Ed25519 key
  return key_ ? EVP_PKEY_get_bits(key_.get()) : 0;
}

bool PublicKey::verify(Algorithm algorithm, std::string_view digest,
                       std::string_view signature) const {
  if (key_type_of(algorithm) != type_) return false;
  if (type_ == KeyType::ed25519) {
    // Only a key from from_der() has the type ed25519, and from_der() checked sodium_ready().
    return signature.size() == crypto_sign_BYTES &&
           crypto_sign_verify_detached(bytes(signature), bytes(digest), digest.size(),
                                       ed25519_.data()) == 0;
  }
  if (!key_) return false;
  const HashAlgorithm hash = hash_of(algorithm);
  PkeyCtx c(hash == HashAlgorithm::sha256 && rsa_sha256_ ? rsa_sha256_->duplicate()
                                                         : rsa_verify_ctx(key_.get(), hash));
  if (!c.ctx) return false;
  return EVP_PKEY_verify(c.ctx, bytes(signature), signature.size(), bytes(digest), digest.size()) ==
         1;
}

namespace {
// Without a callback OpenSSL asks for the pass phrase on the terminal, which blocks a signing
// run with no one to answer; this one refuses, and notes that a pass phrase was wanted.
int refuse_pass_phrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* asked) {
  *static_cast<bool*>(asked) = true;
  return -1;
}
}  // namespace

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem) {
  Bio b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  bool asked = false;
  EVP_PKEY* k = PEM_read_bio_PrivateKey(b.bio, nullptr, refuse_pass_phrase, &asked);
  const bool encrypted =
      asked || pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
      pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
  if (!k && encrypted) {
    return make_error("encrypted private keys are not supported (decrypt it with openssl pkey)");
  }
  if (!k) return make_error("not a PEM private key (PKCS#1 or PKCS#8, unencrypted)");
  PrivateKey key;
  key.key_ = own(k);
  switch (EVP_PKEY_get_base_id(k)) {
    case EVP_PKEY_RSA:
      key.type_ = KeyType::rsa;
      if (const int bits = EVP_PKEY_get_bits(k); bits > kMaxRsaKeyBits) {
        return make_error("RSA key of " + std::to_string(bits) + " bits: the maximum is " +
                          std::to_string(kMaxRsaKeyBits) +
                          ", as verifiers may refuse larger keys (RFC 8301)");
      }
      break;
    case EVP_PKEY_ED25519:
      key.type_ = KeyType::ed25519;
      break;
    default:
      return make_error("private key is neither RSA nor Ed25519");
  }
  return key;
}

Result<PrivateKey> PrivateKey::from_ed25519_seed(std::string_view seed) {
  std::string raw(seed);
  if (raw.size() != 32) {
    auto decoded = base64_decode(seed);
    if (!decoded || decoded->size() != 32) return make_error("ed25519 seed is not 32 bytes");
    raw = std::move(*decoded);
  }
  EVP_PKEY* k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes(raw), 32);
  if (!k) return make_error("ed25519 seed rejected by OpenSSL");
  PrivateKey key;
  key.type_ = KeyType::ed25519;
  key.key_ = own(k);
  return key;
}

Result<PrivateKey> PrivateKey::from_key_file(std::string_view text) {
  if (text.find("-----BEGIN") != std::string_view::npos) return from_pem(text);
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos) {
    text = text.substr(first, text.find_last_not_of(" \t\r\n") + 1 - first);
    // Only exactly 32 bytes: anything else is no seed, and gets the PEM message below.
    if (auto seed = base64_decode(text); seed && seed->size() == 32) {
      return from_ed25519_seed(*seed);
    }
  }
  return make_error(
      "not a PEM private key (PKCS#1 or PKCS#8, unencrypted) nor a base64 Ed25519 seed");
}

Result<PrivateKey> PrivateKey::generate(KeyType type, int bits) {
  EVP_PKEY* k = nullptr;
  if (type == KeyType::rsa) {
    if (bits < 1024 || bits > kMaxRsaKeyBits) {
      return make_error("RSA key size must be 1024.." + std::to_string(kMaxRsaKeyBits) + " bits");
    }
    k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
  } else {
    k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  }
  if (!k) return make_error("key generation failed");
  PrivateKey key;
  key.type_ = type;
  key.key_ = own(k);
  return key;
}

int PrivateKey::bits() const {
  return key_ ? EVP_PKEY_get_bits(key_.get()) : 0;
}

std::string PrivateKey::to_pem() const {
  if (!key_) return {};
  Bio b(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(b.bio, key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(b.bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string PrivateKey::public_key_der() const {
  if (!key_) return {};
  if (type_ == KeyType::ed25519) {
    unsigned char raw[32];
    size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key_.get(), raw, &len) != 1) return {};
    return std::string(reinterpret_cast<char*>(raw), len);
  }
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key_.get(), &der);
  if (len <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

Result<std::string> PrivateKey::sign(Algorithm algorithm, std::string_view digest) const {
  if (!key_) return make_error("no private key");
  if (key_type_of(algorithm) != type_) {
    return make_error(std::string(to_string(algorithm)) + " needs a " +
                      std::string(to_string(key_type_of(algorithm))) + " key");
  }
  if (type_ == KeyType::ed25519) {
    MdCtx m;
    unsigned char sig[64];
    size_t len = sizeof sig;
    if (EVP_DigestSignInit(m.ctx, nullptr, nullptr, nullptr, key_.get()) != 1 ||
        EVP_DigestSign(m.ctx, sig, &len, bytes(digest), digest.size()) != 1) {
      return make_error("ed25519 signing failed");
    }
    return std::string(reinterpret_cast<char*>(sig), len);
  }
  PkeyCtx c(key_.get());
  size_t len = 0;
  if (!c.ctx || EVP_PKEY_sign_init(c.ctx) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(c.ctx, RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(c.ctx, md_for(hash_of(algorithm))) != 1 ||
      EVP_PKEY_sign(c.ctx, nullptr, &len, bytes(digest), digest.size()) != 1) {
    return make_error("RSA signing failed");
  }
  std::string sig(len, '\0');
  if (EVP_PKEY_sign(c.ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, bytes(digest),
                    digest.size()) != 1) {
    return make_error("RSA signing failed");
  }
  sig.resize(len);
  return sig;
}

}  // namespace senderauth::dkim
