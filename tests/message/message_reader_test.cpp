#include "senderauth/message/message_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "support/without_avx2.hpp"

namespace senderauth::message {
namespace {

class Collect final : public MessageSink {
 public:
  void on_headers(const HeaderList& h) override { headers = h, saw_headers++; }
  void on_body(std::string_view chunk) override { body.append(chunk), chunks++; }
  void on_end() override { ended = true; }
  void on_field_after_error(const HeaderField& field) override { late.push_back(field.raw()); }
  HeaderList headers;
  std::vector<std::string> late;  // the fields after a header section error
  std::string body;
  int saw_headers = 0;
  int chunks = 0;
  bool ended = false;
};

Collect read_in_chunks(std::string_view text, std::size_t chunk, ReaderLimits limits = {}) {
  Collect sink;
  MessageReader reader(&sink, limits);
  for (std::size_t i = 0; i < text.size(); i += chunk) {
    EXPECT_TRUE(reader.feed(text.substr(i, chunk)).ok());
  }
  EXPECT_TRUE(reader.finish().ok());
  return sink;
}

constexpr std::string_view kMessage =
    "From: Joe <joe@example.com>\r\n"
    "Subject: a\r\n"
    " folded\tline \r\n"
    "To : x@example.org\r\n"
    "\r\n"
    "body line 1\r\n"
    "\r\n"
    "last\r\n";

TEST(MessageReader, KeepsRawFieldBytesWhateverTheChunkSize) {
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 64u, 4096u}) {
    Collect c = read_in_chunks(kMessage, chunk);
    ASSERT_EQ(c.headers.size(), 3u) << chunk;
    EXPECT_EQ(c.headers[0].raw(), "From: Joe <joe@example.com>\r\n");
    EXPECT_EQ(c.headers[1].raw(), "Subject: a\r\n folded\tline \r\n");
    EXPECT_EQ(c.headers[1].value(), " a\r\n folded\tline ");
    EXPECT_EQ(c.headers[2].name(), "To");
    EXPECT_TRUE(c.headers[2].is("to"));
    EXPECT_EQ(c.body, "body line 1\r\n\r\nlast\r\n");
    EXPECT_EQ(c.saw_headers, 1);
    EXPECT_TRUE(c.ended);
  }
}

// A field whose lines all lie in one chunk is kept as a view into it until complete; one still
// open when feed() returns must have been copied, since the caller may reuse its buffer.
TEST(MessageReader, KeepsNothingOfAChunkAfterFeedReturns) {
  Collect sink;
  MessageReader reader(&sink);
  std::string buffer = "Subject: first part\r\n continued\r\n";
  ASSERT_TRUE(reader.feed(buffer).ok());
  std::fill(buffer.begin(), buffer.end(), 'X');  // reused in place, as a milter's buffer is
  ASSERT_TRUE(reader.feed(" more\r\nTo: x@example.org\r\n\tand\n y\r\n\r\nbody\r\n").ok());
  ASSERT_TRUE(reader.finish().ok());
  ASSERT_EQ(sink.headers.size(), 2u);
  EXPECT_EQ(sink.headers[0].raw(), "Subject: first part\r\n continued\r\n more\r\n");
  // CRLF lines read in place and an LF-only line normalised through the line buffer, mixed.
  EXPECT_EQ(sink.headers[1].raw(), "To: x@example.org\r\n\tand\r\n y\r\n");
  EXPECT_EQ(sink.body, "body\r\n");
}

TEST(MessageReader, LfOnlyInputBecomesCrlf) {
  std::string lf = "From: a@example.com\nSubject: x\n y\n\nline\n\nend\n";
  for (std::size_t chunk : {1u, 3u, 100u}) {
    Collect c = read_in_chunks(lf, chunk);
    ASSERT_EQ(c.headers.size(), 2u);
    EXPECT_EQ(c.headers[1].raw(), "Subject: x\r\n y\r\n");
    EXPECT_EQ(c.body, "line\r\n\r\nend\r\n");
  }
}

TEST(MessageReader, MixedLineEndsAndBareCrKept) {
  Collect c = read_in_chunks("A: 1\r\nB: 2\n\r\na\rb\nc\r\n", 1);
  ASSERT_EQ(c.headers.size(), 2u);
  EXPECT_EQ(c.body, "a\rb\r\nc\r\n");
}

TEST(MessageReader, OneBareLfAnywhereInALongBodyIsFound) {
  // The bare-LF scan works in blocks of 64 (and 16) bytes: one bare LF at any offset of a
  // CRLF body, chunk ends included, must still become CRLF. Both scans: AVX2 and SSE2.
  std::string crlf_body;
  while (crlf_body.size() < 300) crlf_body += "some text of a line\r\n";
  for (bool without_avx2 : {false, true}) {
    senderauth::testing::WithoutAvx2 scan(without_avx2);
    for (std::size_t at = 0; at < crlf_body.size(); ++at) {
      if (crlf_body[at] == '\r' || crlf_body[at] == '\n') continue;
      std::string body = crlf_body;
      body[at] = '\n';
      std::string want = crlf_body;
      want.replace(at, 1, "\r\n");
      for (std::size_t chunk : {7u, 64u, 1000u}) {
        Collect c = read_in_chunks("A: 1\r\n\r\n" + body, chunk);
        ASSERT_EQ(c.body, want) << "at " << at << " chunk " << chunk
                                << (without_avx2 ? " without AVX2" : "");
      }
    }
  }
}

// A sink that reads bare LFs itself (as DKIM's and ARC's canonicalisers do) gets the body as it
// came, sparing the reader's pass over it; the header fields are in CRLF form all the same. A
// fanout hands the body on unconverted only when every one of its sinks reads bare LFs.
class CollectRaw final : public MessageSink {
 public:
  bool reads_bare_lf() const override { return true; }
  void on_body(std::string_view chunk) override { body.append(chunk); }
  std::string body;
};

TEST(MessageReader, BodyGoesUnconvertedToASinkThatReadsBareLfs) {
  const std::string message = "A: 1\nB: 2\n\ta\n\nx\ny\r\n\rz\n";
  for (std::size_t chunk : {1u, 4u, 100u}) {
    CollectRaw raw;
    Collect converted;
    FanoutSink both;
    both.add(raw);
    both.add(converted);
    MessageReader mixed(&both);
    CollectRaw alone;
    FanoutSink only_raw;
    MessageReader reader(&only_raw);
    only_raw.add(alone);  // a fanout may be given its sinks after the reader has it
    for (std::size_t i = 0; i < message.size(); i += chunk) {
      ASSERT_TRUE(mixed.feed(std::string_view(message).substr(i, chunk)).ok());
      ASSERT_TRUE(reader.feed(std::string_view(message).substr(i, chunk)).ok());
    }
    ASSERT_TRUE(mixed.finish().ok());
    ASSERT_TRUE(reader.finish().ok());
    EXPECT_EQ(alone.body, "x\ny\r\n\rz\n") << chunk;
    EXPECT_EQ(reader.headers()[1].raw(), "B: 2\r\n\ta\r\n") << chunk;
    EXPECT_EQ(raw.body, "x\r\ny\r\n\rz\r\n") << chunk;
    EXPECT_EQ(converted.body, raw.body) << chunk;
  }
}

TEST(MessageReader, NoBodyAndNoBlankLine) {
  Collect c = read_in_chunks("From: a@example.com\r\nSubject: x", 5);
  ASSERT_EQ(c.headers.size(), 2u);
  EXPECT_EQ(c.headers[1].raw(), "Subject: x\r\n");
  EXPECT_EQ(c.body, "");
}

TEST(MessageReader, SkipsMboxSeparator) {
  Collect c = read_in_chunks("From joe Mon Jan 1\nFrom: a@example.com\n\nx\n", 4);
  ASSERT_EQ(c.headers.size(), 1u);
  EXPECT_EQ(c.headers[0].name(), "From");
}

// "From :" (RFC 5322 4.5.2, whitespace before the colon) is a From field that mail readers
// show, even as the first line: skipping it as an mbox separator would hide an author.
TEST(MessageReader, ObsoleteFromFieldIsNotAnMboxSeparator) {
  for (std::string first : {"From : a@example.com", "From \t: a@example.com", "From  :a@b.test"}) {
    Collect c = read_in_chunks(first + "\r\nFrom: m@attacker.test\r\n\r\nx\r\n", 3);
    ASSERT_EQ(c.headers.size(), 2u) << first;
    EXPECT_EQ(c.headers[0].name(), "From") << first;
    EXPECT_TRUE(c.headers[0].is("from")) << first;
    EXPECT_EQ(c.headers[0].raw(), first + "\r\n");
  }
  Collect mbox = read_in_chunks("From joe@example.com Mon Jan  1 10:00:00 2026\n\nx\n", 7);
  EXPECT_TRUE(mbox.headers.empty());
}

TEST(MessageReader, BodyIsStreamedNotCollected) {
  Collect sink;
  MessageReader reader(&sink);
  ASSERT_TRUE(reader.feed("From: a@example.com\r\n\r\n").ok());
  std::string block(8192, 'x');
  block += "\r\n";
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(reader.feed(block).ok());
  ASSERT_TRUE(reader.finish().ok());
  EXPECT_EQ(sink.chunks, 100);
  EXPECT_EQ(reader.body_bytes(), 100u * block.size());
}

TEST(MessageReader, LimitOnFieldCount) {
  ReaderLimits limits;
  limits.max_header_fields = 2;
  MessageReader reader(nullptr, limits);
  auto r = reader.feed("A: 1\r\nB: 2\r\nC: 3\r\n\r\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.reason().find("more than 2 header fields"), std::string::npos);
  EXPECT_FALSE(reader.feed("x").ok());
}

TEST(MessageReader, LimitOnFieldSize) {
  ReaderLimits limits;
  limits.max_field_bytes = 20;
  MessageReader reader(nullptr, limits);
  auto r = reader.feed("Subject: 0123456789\r\n 0123456789\r\n\r\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.reason().find("larger than 20"), std::string::npos);
  MessageReader reader2(nullptr, limits);
  EXPECT_FALSE(reader2.feed(std::string(100, 'a')).ok());  // one unterminated line
}

TEST(MessageReader, LimitOnHeaderSection) {
  ReaderLimits limits;
  limits.max_header_bytes = 30;
  MessageReader reader(nullptr, limits);
  EXPECT_FALSE(reader.feed("A: 0123456789\r\nB: 0123456789\r\nC: 1\r\n\r\n").ok());
  // The limit counts the empty line too: a section of exactly the limit is read, one octet more
  // is not.
  constexpr std::string_view kSection = "A: 0123456789\r\nB: 0123456789\r\n\r\n";  // 32 octets
  limits.max_header_bytes = kSection.size();
  EXPECT_TRUE(parse_message(kSection, limits).ok());
  limits.max_header_bytes = kSection.size() - 1;
  auto r = parse_message(kSection, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.reason().find("header section larger than 31 bytes"), std::string::npos)
      << r.reason();
}

TEST(MessageReader, RejectsLineWithoutColon) {
  auto r = parse_message("From: a@example.com\r\nnot a header\r\n\r\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.reason().find("without a colon: \"not a header\""), std::string::npos) << r.reason();
  EXPECT_FALSE(parse_message(" leading continuation\r\n\r\n").ok());
  // Bytes that would not show are escaped: a line of one CR was named as nothing at all.
  r = parse_message("From: a@example.com\r\n\r\r\nTo: b@example.com\r\n\r\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.reason().find("without a colon: \"\\r\""), std::string::npos) << r.reason();
  r = parse_message("From: a@example.com\r\nx\ty\x01\"\\" + std::string(40, 'z') + "\r\n\r\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.reason().find("without a colon: \"x\\ty\\x01\\\"\\\\zz"), std::string::npos)
      << r.reason();
  EXPECT_TRUE(r.reason().ends_with("z\"...")) << r.reason();
}

// PHP's mail() gives sendmail CRLF line ends, and an MTA that adds a CR before each LF makes
// every line end "\r\r\n", the empty line after the header section too. Such a section ends at
// its "\r\r\n" line, as Postfix reads it, also below fields added on top with ordinary line
// ends (Received, DKIM-Signature). After a line that ends otherwise a "\r\r\n" line stays a line
// without a colon: taken for the empty line it would hide the fields after it from us, and not
// from a reader that splits lines at CR (it sees no empty line there).
TEST(MessageReader, HeaderOfCrCrLfLinesEndsAtItsCrCrLfLine) {
  constexpr std::string_view kPhp =
      "From: a@example.com\r\r\nSubject: hi\r\r\n folded\r\r\n\r\r\nbody\r\r\nFrom: x\r\r\n";
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 4096u}) {
    Collect c = read_in_chunks(kPhp, chunk);
    ASSERT_EQ(c.headers.size(), 2u) << chunk;
    EXPECT_EQ(c.headers[0].raw(), "From: a@example.com\r\r\n");
    EXPECT_EQ(c.headers[1].raw(), "Subject: hi\r\r\n folded\r\r\n");
    EXPECT_EQ(c.body, "body\r\r\nFrom: x\r\r\n") << chunk;
    Collect added = read_in_chunks("Received: by mx\r\n" + std::string(kPhp), chunk);
    ASSERT_EQ(added.headers.size(), 3u) << chunk;
    EXPECT_EQ(added.body, c.body);
  }
  for (std::string_view mixed : {"From: a@example.com\r\n\r\r\nFrom: b@example.com\r\n\r\nx\r\n",
                                 "From: a@example.com\r\r\nTo: c@example.com\n\r\r\n\r\nx\r\n",
                                 "\r\r\nFrom: a@example.com\r\n\r\nx\r\n"}) {
    auto r = parse_message(mixed);
    ASSERT_FALSE(r.ok()) << mixed;
    EXPECT_NE(r.reason().find("without a colon: \"\\r\""), std::string::npos) << r.reason();
  }
}

// A field name is printable US-ASCII (RFC 5322 2.2): "From\0x:" is not read as some field
// that a reader stopping at the NUL would show as From.
TEST(MessageReader, RejectsFieldNamesOutsidePrintableAscii) {
  struct Case {
    std::string line;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {std::string("From\0x: a@example.com", 22), "header field name with byte 0x00 at offset 4"},
      {"Fr om: a@example.com", "header field name with byte 0x20 at offset 2"},
      {"\xc3\x9c: a@example.com", "header field name with byte 0xc3 at offset 0"},
      {": a@example.com", "header field with an empty name"},
      {" \t: x", "header section starts with a continuation line"},
  };
  for (const Case& c : cases) {
    auto r = parse_message(c.line + "\r\nTo: b@example.com\r\n\r\n");
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_NE(r.reason().find(c.reason), std::string::npos) << r.reason();
  }
  // Whitespace before the colon is the obsolete syntax, and every printable byte may be used.
  EXPECT_TRUE(parse_message("From \t: a@example.com\r\n\r\n").ok());
  EXPECT_TRUE(parse_message("X-!#$%&'*+-/=?^_`{|}~: 1\r\n\r\n").ok());
}

// After an error in the header section the rest of it is still scanned, leniently, and each
// field there handed to the sink (a forged Authentication-Results field below a line without a
// colon must still be found), up to the empty line: the body is not read as fields. The same
// whatever the chunks, and with bare LF line ends.
TEST(MessageReader, RestOfAnUnreadableHeaderSectionIsScanned) {
  struct Case {
    std::string message;
    ReaderLimits limits;
    std::vector<std::string> fields;  // read before the error
    std::vector<std::string> late;    // handed on after it
    std::string reason;
  };
  ReaderLimits two_fields;
  two_fields.max_header_fields = 2;
  ReaderLimits small_field;
  small_field.max_field_bytes = 24;
  ReaderLimits small_section;
  small_section.max_header_bytes = 30;
  const std::vector<Case> cases = {
      {"From: a\r\nFoo bar\r\n folded: x\r\nAuthentication-Results: mx; dkim=pass\r\n\tmore\r\n"
       "X: 1\r\n\r\nAuthentication-Results: in the body\r\n",
       {},
       {"From: a\r\n"},
       {"Authentication-Results: mx; dkim=pass\r\n\tmore\r\n", "X: 1\r\n"},
       "without a colon"},
      {"From: a\r\nX\x80Y: z\r\nA : 1\r\n\r\n",
       {},
       {"From: a\r\n"},
       {"X\x80Y: z\r\n", "A : 1\r\n"},
       "byte 0x80"},
      {"A: 1\r\nB: 2\r\nC: 3\r\n c\r\nD: 4\r\n\r\nE: 5\r\n",
       two_fields,
       {"A: 1\r\n", "B: 2\r\n"},
       {"C: 3\r\n c\r\n", "D: 4\r\n"},
       "more than 2 header fields"},
      {"A: 1\r\nB: 2\r\nC: 3\r\n\r\nE: 5\r\n",
       two_fields,
       {"A: 1\r\n", "B: 2\r\n"},
       {"C: 3\r\n"},
       "more than 2 header fields"},
      {"A: 1\r\nSubject: 0123456789\r\n 0123456789\r\n more\r\nB: 2\r\n\r\n",
       small_field,
       {"A: 1\r\n"},
       {"Subject: 0123456789\r\n 01\r\n", "B: 2\r\n"},
       "header field larger than 24"},
      {"A: 0123456789\r\nB: 0123456789\r\nC: 1\r\n\r\n",
       small_section,
       {"A: 0123456789\r\n"},
       {"B: 0123456789\r\n", "C: 1\r\n"},
       "larger than 30"},
      {" x: 1\r\n y\r\nA: 2\r\n\r\n", {}, {}, {"A: 2\r\n"}, "starts with a continuation"},
      {"Foo\r\nA: 1\r\n b", {}, {}, {"A: 1\r\n b\r\n"}, "without a colon"},
      {"Foo\nA: 1\n b\nC:\r\r\n\nD: body\n",
       {},
       {},
       {"A: 1\r\n b\r\n", "C:\r\r\n"},
       "without a colon"},
      // Line ends doubled to CR CR LF (PHP's mail() through a converting MTA): the line of CRs
      // ends the header section, as Python and Postfix read it; the body is no field.
      {"From: a\r\r\nFoo\r\r\nX: 1\r\r\n\r\r\nAuthentication-Results: mx; dmarc=pass\r\r\n",
       {},
       {"From: a\r\r\n"},
       {"X: 1\r\r\n"},
       "without a colon"},
  };
  for (const Case& c : cases) {
    for (std::size_t chunk : {1u, 2u, 3u, 7u, 4096u}) {
      Collect sink;
      MessageReader reader(&sink, c.limits);
      std::string reason;
      for (std::size_t i = 0; i < c.message.size(); i += chunk) {
        auto r = reader.feed(std::string_view(c.message).substr(i, chunk));
        if (!r.ok() && reason.empty()) reason = r.reason();
      }
      auto end = reader.finish();
      ASSERT_FALSE(end.ok()) << c.message;
      EXPECT_NE(end.reason().find(c.reason), std::string::npos) << end.reason();
      EXPECT_EQ(reason.empty() ? end.reason() : reason, end.reason());
      std::vector<std::string> fields;
      for (const auto& f : reader.headers()) fields.push_back(f.raw());
      EXPECT_EQ(fields, c.fields) << c.message << " in chunks of " << chunk;
      EXPECT_EQ(sink.late, c.late) << c.message << " in chunks of " << chunk;
      EXPECT_EQ(sink.saw_headers, 0);
      EXPECT_TRUE(sink.body.empty());
      EXPECT_FALSE(sink.ended);
      EXPECT_FALSE(reader.salvaging());
    }
  }
}

// Only the field being scanned is kept, cut at the field size limit; a line of any length
// without a line end does not grow it.
TEST(MessageReader, ScanAfterAnErrorKeepsOneBoundedField) {
  ReaderLimits limits;
  limits.max_field_bytes = 64;
  Collect sink;
  MessageReader reader(&sink, limits);
  EXPECT_FALSE(reader.feed("Foo\r\nX-Long: ").ok());
  EXPECT_TRUE(reader.salvaging());
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(reader.feed(std::string(1000, 'a')).ok());
  EXPECT_FALSE(reader.feed("\r\nAuthentication-Results: mx; none\r\n\r\nbody").ok());
  EXPECT_FALSE(reader.salvaging());
  EXPECT_FALSE(reader.finish().ok());
  ASSERT_EQ(sink.late.size(), 2u);
  EXPECT_EQ(sink.late[0], "X-Long: " + std::string(56, 'a') + "\r\n");
  EXPECT_EQ(sink.late[1], "Authentication-Results: mx; none\r\n");
}

TEST(MessageReader, ParseMessageConvenience) {
  auto r = parse_message(kMessage);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->headers.size(), 3u);
  EXPECT_EQ(r->body, "body line 1\r\n\r\nlast\r\n");
}

TEST(MessageReader, FanoutFeedsEverySink) {
  Collect a, b;
  FanoutSink fan;
  fan.add(a);
  fan.add(b);
  MessageReader reader(&fan);
  ASSERT_TRUE(reader.feed(kMessage).ok());
  ASSERT_TRUE(reader.finish().ok());
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.headers.size(), 3u);
  EXPECT_TRUE(b.ended);
}

TEST(HeaderField, FoldKeepsEveryByteAndTheLineLimit) {
  const std::string field =
      "Received-SPF: pass (mx.example.net: domain of alice@example.test designates 192.0.2.25 "
      "as permitted sender) client-ip=192.0.2.25; envelope-from=\"alice@example.test\"; "
      "helo=mail.example.test; receiver=mx.example.net; identity=mailfrom; mechanism=mx";
  const std::string folded = fold(field);
  EXPECT_EQ(folded.rfind("Received-SPF: pass (mx.example.net:", 0), 0u) << folded;
  std::string joined;
  std::size_t begin = 0;
  for (std::size_t end; (end = folded.find("\r\n", begin)) != std::string::npos; begin = end + 2) {
    EXPECT_LE(end - begin, 78u) << folded;
    EXPECT_EQ(folded[end + 2], ' ') << "continuation lines start with a space";
    joined += folded.substr(begin, end - begin);
  }
  EXPECT_LE(folded.size() - begin, 78u);
  joined += folded.substr(begin);
  EXPECT_EQ(joined, field) << "folding only inserts line endings";
  EXPECT_NE(folded.find("\r\n"), std::string::npos);
}

TEST(HeaderField, FoldLeavesShortFieldsAndLongWordsAlone) {
  EXPECT_EQ(fold("Subject: hello"), "Subject: hello");
  EXPECT_EQ(fold("X: " + std::string(100, 'a')), "X: " + std::string(100, 'a'));
  EXPECT_EQ(fold("X: a " + std::string(100, 'b'), 78, "\n"), "X: a\n " + std::string(100, 'b'));
  EXPECT_EQ(fold("NoColonNoSpace"), "NoColonNoSpace");
}

TEST(HeaderField, Unfold) {
  EXPECT_EQ(unfold(" a\r\n\tb  "), "a\tb");
  HeaderField f("Name  : v\r\n");
  EXPECT_EQ(f.name(), "Name");
  EXPECT_EQ(f.value(), " v");
}

}  // namespace
}  // namespace senderauth::message
