// Hasher and digest() against the FIPS 180-2 SHA-256 examples, including a Hasher used again
// after finish() (it re-initialises lazily, so reuse must start from an empty state).
#include <gtest/gtest.h>

#include <string>

#include "senderauth/dkim/crypto.hpp"

namespace senderauth::dkim {
namespace {

std::string hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kTwoBlocks =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

TEST(Hasher, DigestMatchesFips180Examples) {
  EXPECT_EQ(hex(digest(HashAlgorithm::sha256, "abc")), kAbc);
  EXPECT_EQ(hex(digest(HashAlgorithm::sha256, "")), kEmpty);
  EXPECT_EQ(hex(digest(HashAlgorithm::sha256,
                       "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            kTwoBlocks);
}

TEST(Hasher, UpdatesInPiecesEqualOneDigest) {
  Hasher h;
  h.update("abcdbcdecdefdefgefghfghighij");
  h.update("");
  h.update("hijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(hex(h.finish()), kTwoBlocks);
}

TEST(Hasher, StartsAgainFromNothingAfterFinish) {
  Hasher h;
  h.update("something else first");
  h.finish();
  h.update("abc");
  EXPECT_EQ(hex(h.finish()), kAbc);
  EXPECT_EQ(hex(h.finish()), kEmpty);  // finished again with nothing fed
}

TEST(Hasher, MovedHasherKeepsItsState) {
  Hasher a;
  a.update("ab");
  Hasher b(std::move(a));
  b.update("c");
  EXPECT_EQ(hex(b.finish()), kAbc);
  Hasher c;
  c = std::move(b);  // finished: the next use starts from nothing
  c.update("abc");
  EXPECT_EQ(hex(c.finish()), kAbc);
}

}  // namespace
}  // namespace senderauth::dkim
