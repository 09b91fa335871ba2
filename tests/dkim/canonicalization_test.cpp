#include "senderauth/dkim/canonicalization.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "senderauth/core/base64.hpp"
#include "support/line_ends.hpp"
#include "support/without_avx2.hpp"

namespace senderauth::dkim {
namespace {

std::string canon_body(Canonicalization c, std::string_view body, std::size_t chunk = 0,
                       std::optional<std::uint64_t> limit = std::nullopt) {
  std::string out;
  BodyCanonicalizer canon(
      c, [&](std::string_view b) { out.append(b); }, limit);
  if (chunk == 0) chunk = body.size() + 1;
  for (std::size_t i = 0; i < body.size(); i += chunk) canon.update(body.substr(i, chunk));
  canon.finish();
  return out;
}

// Straight from RFC 6376 3.4.3/3.4.4, over the whole body at once: the reference. A bare LF is
// read as CRLF first, as MessageReader does and as the canonicaliser does on its own.
std::string reference(Canonicalization c, std::string_view received) {
  const std::string body = senderauth::testing::to_crlf(received);
  std::vector<std::string> lines;
  std::size_t pos = 0;
  std::string tail;
  while (true) {
    auto crlf = body.find("\r\n", pos);
    if (crlf == std::string::npos) {
      tail = body.substr(pos);
      break;
    }
    lines.push_back(body.substr(pos, crlf - pos));
    pos = crlf + 2;
  }
  if (!tail.empty()) lines.push_back(tail);  // last line without CRLF
  if (c == Canonicalization::relaxed) {
    for (auto& l : lines) {
      std::string r;
      bool ws = false;
      for (char ch : l) {
        if (ch == ' ' || ch == '\t') {
          ws = true;
          continue;
        }
        if (ws) r.push_back(' ');
        ws = false;
        r.push_back(ch);
      }
      l = r;
    }
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string out;
  for (auto& l : lines) out += l + "\r\n";
  if (out.empty() && c == Canonicalization::simple) out = "\r\n";
  return out;
}

// Both canonicalisations of `body`, streamed in chunks of each size, against the reference.
// `label` names the case in a failure (long bodies are not printed).
// Each body is checked twice: with the AVX2 scan and with the SSE2 one a CPU without AVX2 uses.
void expect_streaming_matches_reference(const std::string& body,
                                        const std::vector<std::size_t>& chunks,
                                        const std::string& label) {
  for (bool without_avx2 : {false, true}) {
    senderauth::testing::WithoutAvx2 scan(without_avx2);
    for (auto c : {Canonicalization::simple, Canonicalization::relaxed}) {
      const std::string want = reference(c, body);
      for (std::size_t chunk : chunks) {
        ASSERT_EQ(canon_body(c, body, chunk), want)
            << "canon " << static_cast<int>(c) << " chunk " << chunk
            << (without_avx2 ? " without AVX2 " : " ") << label;
      }
    }
  }
}

TEST(BodyCanonicalization, Rfc6376Example) {
  std::string body = " C \r\nD \t E\r\n\r\n\r\n";
  EXPECT_EQ(canon_body(Canonicalization::relaxed, body), " C\r\nD E\r\n");
  EXPECT_EQ(canon_body(Canonicalization::simple, body), " C \r\nD \t E\r\n");
}

TEST(BodyCanonicalization, EmptyBodies) {
  EXPECT_EQ(canon_body(Canonicalization::simple, ""), "\r\n");
  EXPECT_EQ(canon_body(Canonicalization::relaxed, ""), "");
  EXPECT_EQ(canon_body(Canonicalization::simple, "\r\n\r\n"), "\r\n");
  EXPECT_EQ(canon_body(Canonicalization::relaxed, " \r\n\t\r\n"), "");
  // Known digests of the empty body.
  BodyHasher s(Canonicalization::simple, HashAlgorithm::sha256);
  EXPECT_EQ(base64_encode(s.finish()), "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
  BodyHasher r(Canonicalization::relaxed, HashAlgorithm::sha256);
  EXPECT_EQ(base64_encode(r.finish()), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

TEST(BodyCanonicalization, MissingFinalCrlfIsAdded) {
  EXPECT_EQ(canon_body(Canonicalization::simple, "abc"), "abc\r\n");
  EXPECT_EQ(canon_body(Canonicalization::relaxed, "abc  "), "abc\r\n");
  EXPECT_EQ(canon_body(Canonicalization::simple, "a\r\n\r\nb"), "a\r\n\r\nb\r\n");
}

TEST(BodyCanonicalization, BareCrIsData) {
  EXPECT_EQ(canon_body(Canonicalization::simple, "a\rb\r\n\r"), "a\rb\r\n\r\r\n");
  EXPECT_EQ(canon_body(Canonicalization::relaxed, "a \r b\r\n"), "a \r b\r\n");
}

// A body handed on as received (MessageReader does so for sinks that read bare LFs): an LF
// without CR ends a line as CRLF does, whatever the chunks, and "\r\n" stays one line end.
TEST(BodyCanonicalization, BareLfEndsALine) {
  for (std::size_t chunk : {0, 1, 2, 3}) {
    EXPECT_EQ(canon_body(Canonicalization::simple, "a\nb \n\n\n", chunk), "a\r\nb \r\n");
    EXPECT_EQ(canon_body(Canonicalization::relaxed, "a\nb \t\n\n", chunk), "a\r\nb\r\n");
    EXPECT_EQ(canon_body(Canonicalization::simple, "\n\nx\r\n\ny", chunk),
              "\r\n\r\nx\r\n\r\ny\r\n");
    EXPECT_EQ(canon_body(Canonicalization::relaxed, "\r\r\n\n \n", chunk), "\r\r\n");
    EXPECT_EQ(canon_body(Canonicalization::simple, "\n", chunk), "\r\n");
    EXPECT_EQ(canon_body(Canonicalization::relaxed, "\n\n", chunk), "");
  }
  // Long text, so the vectorised scans meet the LF: in a 64-byte block, after a clean one, and
  // right after a CR that ends the chunk.
  const std::string line(100, 'x');
  EXPECT_EQ(canon_body(Canonicalization::relaxed, line + "\n" + line + "\n"),
            line + "\r\n" + line + "\r\n");
  EXPECT_EQ(canon_body(Canonicalization::simple, line + "\n" + line + "\n"),
            line + "\r\n" + line + "\r\n");
  EXPECT_EQ(canon_body(Canonicalization::simple, line + "\r\n" + line, line.size() + 1),
            line + "\r\n" + line + "\r\n");
}

TEST(BodyCanonicalization, LengthLimitCountsCanonicalBytes) {
  std::string body = "a  b\r\nc\r\n\r\n";
  EXPECT_EQ(canon_body(Canonicalization::relaxed, body, 0, 3), "a b");
  EXPECT_EQ(canon_body(Canonicalization::relaxed, body, 1, 0), "");
  EXPECT_EQ(canon_body(Canonicalization::simple, body, 2, 100), "a  b\r\nc\r\n");
  std::string out;
  BodyCanonicalizer c(
      Canonicalization::relaxed, [&](std::string_view b) { out += b; }, 2);
  c.update(body);
  c.finish();
  EXPECT_EQ(c.canonical_length(), 8u);  // "a b\r\nc\r\n" whatever the limit
}

TEST(BodyCanonicalization, StreamingMatchesReferenceForEveryChunkSize) {
  std::mt19937 rng(42);
  const char alphabet[] = {'a', 'b', ' ', '\t', '\r', '\n', 'x'};
  for (int round = 0; round < 300; ++round) {
    std::string body;
    std::size_t n = rng() % 60;
    for (std::size_t i = 0; i < n; ++i) {
      int pick = static_cast<int>(rng() % 9);
      if (pick >= 7) {
        body += "\r\n";
      } else {
        body.push_back(alphabet[pick]);
      }
    }
    for (auto c : {Canonicalization::simple, Canonicalization::relaxed}) {
      // A bare CR is data in both; a bare LF ends a line.
      std::string want = reference(c, body);
      for (std::size_t chunk = 1; chunk <= body.size() + 1; ++chunk) {
        ASSERT_EQ(canon_body(c, body, chunk), want)
            << "canon " << static_cast<int>(c) << " chunk " << chunk << " body "
            << ::testing::PrintToString(body);
      }
    }
  }
}

TEST(BodyCanonicalization, MostlyCleanTextMatchesReference) {
  // Long runs of ordinary text take the fast (vectorised) paths; rare specials the slow one.
  std::mt19937 rng(7);
  for (int round = 0; round < 400; ++round) {
    std::string body;
    std::size_t n = rng() % 400;
    for (std::size_t i = 0; i < n; ++i) {
      unsigned pick = rng() % 100;
      if (pick < 2) {
        body += "\r\n";
      } else if (pick < 3) {
        body += "\r\n\r\n";
      } else if (pick < 12) {
        body.push_back(' ');
      } else if (pick < 13) {
        body.push_back('\t');
      } else if (pick < 14) {
        body.push_back('\r');
      } else if (pick < 15) {
        body.push_back('\n');  // a bare LF, unless a CR came just before
      } else {
        body.push_back(static_cast<char>('a' + pick % 26));
      }
    }
    if (rng() % 2) body += std::string(rng() % 3, ' ') + "\r\n\r\n";
    ASSERT_NO_FATAL_FAILURE(expect_streaming_matches_reference(
        body, {1, 5, 17, 64, body.size() + 1}, "body " + ::testing::PrintToString(body)));
  }
}

TEST(BodyCanonicalization, LongBodiesMatchReference) {
  // Bodies of tens of KB: unchanged spans go to the output in one piece across empty lines and
  // scan windows, and chunk ends fall anywhere (inside runs of empty lines, CRLFs, WSP).
  std::mt19937 rng(11);
  for (int round = 0; round < 40; ++round) {
    std::string body;
    std::size_t n = 20000 + rng() % 60000;
    unsigned specials = rng() % 3;  // 0: none, 1: rare, 2: frequent WSP/TAB/CR oddities
    while (body.size() < n) {
      unsigned pick = rng() % 1000;
      if (pick < 15) {
        body += "\r\n";
      } else if (pick < 18) {
        body += "\r\n\r\n\r\n";
      } else if (pick < 150) {
        body.push_back(' ');
      } else if (specials > 0 && pick < 150 + 4 * specials * specials) {
        const char* odd[] = {"\t", "  ", " \r\n", "\r", " \t ", "\n", " \n"};
        body += odd[rng() % 7];
      } else {
        body.push_back(static_cast<char>('a' + pick % 26));
      }
    }
    if (rng() % 2) body += std::string(rng() % 3, ' ') + "\r\n\r\n";
    ASSERT_NO_FATAL_FAILURE(expect_streaming_matches_reference(
        body, {333, 4096, 65536, body.size() + 1}, "round " + std::to_string(round)));
    // The same text with LF line ends, as read from a file: every line end a bare LF.
    ASSERT_NO_FATAL_FAILURE(expect_streaming_matches_reference(
        senderauth::testing::to_lf(body), {333, 4096, body.size() + 1},
        "LF-only, round " + std::to_string(round)));
    for (auto c : {Canonicalization::simple, Canonicalization::relaxed}) {
      const std::string want = reference(c, body);
      std::uint64_t limit = rng() % want.size();
      ASSERT_EQ(canon_body(c, body, 4096, limit), want.substr(0, limit));
    }
  }
}

// The block scan first looks for candidates (a superset: a control byte followed by SP also
// counts, as at a line that starts with a space), then for specials. Indented lines, with and
// without specials near them in the same 64-byte block, must come out as the reference says.
TEST(BodyCanonicalization, IndentedLinesMatchReference) {
  std::mt19937 rng(13);
  for (int round = 0; round < 60; ++round) {
    std::string body;
    const std::size_t n = 2000 + rng() % 20000;
    while (body.size() < n) {
      std::string line = rng() % 2 ? " " : "";  // a candidate that is no special
      if (rng() % 8 == 0) line = "\x01 ";       // a control byte before SP: one as well
      const std::size_t words = 1 + rng() % 12;
      for (std::size_t w = 0; w < words; ++w) {
        line += std::string(1 + rng() % 8, static_cast<char>('a' + rng() % 26));
        const unsigned odd = rng() % 40;
        line += odd == 0 ? "  " : odd == 1 ? "\t" : " ";  // now and then a real special
      }
      line.pop_back();
      if (rng() % 10 == 0) line += " ";  // trailing whitespace: a special before the CRLF
      body += line + "\r\n";
    }
    ASSERT_NO_FATAL_FAILURE(expect_streaming_matches_reference(body, {100, 4096, body.size() + 1},
                                                               "round " + std::to_string(round)));
  }
}

TEST(BodyCanonicalization, ShortLinesGoThroughInBlocks) {
  std::string body;
  for (int i = 0; i < 2000; ++i) body += "some  words\there \r\n";
  std::size_t blocks = 0;
  std::size_t total = 0;
  BodyCanonicalizer c(Canonicalization::relaxed, [&](std::string_view b) {
    ++blocks;
    total += b.size();
  });
  c.update(body);
  c.finish();
  EXPECT_EQ(total, 2000u * std::string("some words here\r\n").size());
  EXPECT_LT(blocks, 10u);
}

TEST(HeaderCanonicalization, Relaxed) {
  std::string out;
  canonicalize_header(Canonicalization::relaxed, "SubJect \t:  A  \t b\r\n\tc  \r\n", out);
  EXPECT_EQ(out, "subject:A b c\r\n");
  out.clear();
  canonicalize_header(Canonicalization::relaxed, "X:\r\n", out);
  EXPECT_EQ(out, "x:\r\n");
  // A bare CR is no line break (RFC 5322 obs-unstruct allows it in unstructured fields):
  // relaxed keeps it, as dkimpy and Mail::DKIM do.
  out.clear();
  canonicalize_header(Canonicalization::relaxed, "Subject: a\rb \r \r\n", out);
  EXPECT_EQ(out, "subject:a\rb \r\r\n");
}

// RFC 6376 3.4.2 byte by byte, as the reference for the run-wise implementation.
std::string relaxed_header_reference(std::string_view raw) {
  auto colon = raw.find(':');
  std::string out;
  std::string_view name = raw.substr(0, colon);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  for (char c : name) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  out.push_back(':');
  if (colon == std::string_view::npos) return out + "\r\n";
  bool pending = false, started = false;
  const std::string_view value = raw.substr(colon + 1);
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    // Unfolded: a line break (CRLF, or LF read as one); a CR alone is data.
    if (c == '\n' || (c == '\r' && i + 1 < value.size() && value[i + 1] == '\n')) continue;
    if (c == ' ' || c == '\t') {
      pending = started;
      continue;
    }
    if (pending) out.push_back(' ');
    pending = false;
    started = true;
    out.push_back(c);
  }
  return out + "\r\n";
}

// Long values are scanned 16 bytes at a time: whitespace, line breaks and control bytes at
// every position of a 40-byte value, and random values, against the byte-wise reference.
TEST(HeaderCanonicalization, RelaxedMatchesTheByteWiseDefinitionEverywhere) {
  const std::string run(40, 'w');
  for (std::size_t at = 0; at < run.size(); ++at) {
    for (std::string_view insert : {" ", "\t", "  ", " \t", "\r\n ", "\r\n\t", " \r\n", "\x01",
                                    "\x01 ", " \x01", "\x7f", "\x80", "\xff "}) {
      for (std::string_view ending : {"\r\n", " \r\n", "", " "}) {
        std::string raw = "Subject: " + run.substr(0, at) + std::string(insert) + run.substr(at);
        raw += ending;
        std::string out;
        canonicalize_header(Canonicalization::relaxed, raw, out);
        ASSERT_EQ(out, relaxed_header_reference(raw)) << ::testing::PrintToString(raw);
      }
    }
  }
  std::mt19937 rng(7);
  const char alphabet[] = {'a', 'b', ' ', ' ', '\t', '\r', '\n', '\x01', ':'};
  for (int n = 0; n < 3000; ++n) {
    std::string raw = "X-Field:";
    const std::size_t length = rng() % 90;
    for (std::size_t i = 0; i < length; ++i) raw.push_back(alphabet[rng() % sizeof(alphabet)]);
    std::string out = "kept:";  // appended to, never replaced
    canonicalize_header(Canonicalization::relaxed, raw, out);
    ASSERT_EQ(out, "kept:" + relaxed_header_reference(raw)) << ::testing::PrintToString(raw);
  }
}

TEST(HeaderCanonicalization, SimpleKeepsBytes) {
  std::string out;
  canonicalize_header(Canonicalization::simple, "SubJect :  A\r\n\tb \r\n", out);
  EXPECT_EQ(out, "SubJect :  A\r\n\tb \r\n");
}

TEST(HeaderHash, BottomUpSelectionAndOversigning) {
  message::HeaderList headers = {message::HeaderField("Received: 1\r\n"),
                                 message::HeaderField("From: a@example.test\r\n"),
                                 message::HeaderField("Received: 2\r\n")};
  std::string input = header_hash_input(Canonicalization::relaxed, headers,
                                        {"received", "Received", "received", "from", "to"},
                                        "DKIM-Signature: v=1; b=\r\n");
  EXPECT_EQ(input, "received:2\r\nreceived:1\r\nfrom:a@example.test\r\ndkim-signature:v=1; b=");
}

// RFC 6376 5.4.2 as written: for each h= entry, the bottom-most field of that name (ASCII case
// ignored) not taken by an earlier entry; none when all are taken. The reference for
// header_hash_input(), which indexes the fields by name when the list and the section are long.
std::string reference_header_input(Canonicalization canon, const message::HeaderList& headers,
                                   const std::vector<std::string>& names,
                                   std::string_view signature_field) {
  std::string out;
  std::vector<bool> used(headers.size(), false);
  for (const auto& name : names) {
    for (std::size_t i = headers.size(); i-- > 0;) {
      if (!used[i] && headers[i].is(name)) {
        used[i] = true;
        canonicalize_header(canon, headers[i].raw(), out);
        break;
      }
    }
  }
  std::string signature;
  canonicalize_header(canon, signature_field, signature);
  signature.resize(signature.size() - 2);
  return out + signature;
}

// Short lists over a few fields are scanned, long ones over a long section indexed (a 1 MB
// header of 960 fields and 15 signatures of 21,000 h= entries each cost 0.8 s of CPU scanned):
// both pick exactly the fields RFC 6376 5.4.2 picks, names in any case, oversigned or absent.
TEST(HeaderHash, LongListsPickTheSameFieldsAsTheRfcSaysInOrder) {
  const std::vector<std::string> pool = {"From", "to",  "SUBJECT", "Received",      "X-A",
                                         "x-a",  "X-a", "Date",    "dkim-signature"};
  const std::vector<std::string> absent = {"Cc", "X-Absent", "x-b", ""};
  std::mt19937 random(6376);
  struct Size {
    std::size_t fields, names;
  };
  for (const Size size : {Size{3, 6}, Size{40, 100}, Size{100, 41}, Size{960, 2100}}) {
    for (int round = 0; round < 20; ++round) {
      message::HeaderList headers;
      for (std::size_t i = 0; i < size.fields; ++i) {
        headers.emplace_back(pool[random() % pool.size()] + ": v" + std::to_string(i) + "\r\n");
      }
      std::vector<std::string> names;
      for (std::size_t i = 0; i < size.names; ++i) {
        std::string name =
            random() % 8 == 0 ? absent[random() % absent.size()] : pool[random() % pool.size()];
        for (char& c : name) {
          if (random() % 2 == 0) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        names.push_back(std::move(name));
      }
      for (const auto canon : {Canonicalization::relaxed, Canonicalization::simple}) {
        ASSERT_EQ(header_hash_input(canon, headers, names, "DKIM-Signature: b=\r\n"),
                  reference_header_input(canon, headers, names, "DKIM-Signature: b=\r\n"))
            << size.fields << " fields, " << size.names << " names, round " << round;
      }
    }
  }
}

}  // namespace
}  // namespace senderauth::dkim
