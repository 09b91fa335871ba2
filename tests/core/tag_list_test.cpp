#include "senderauth/core/tag_list.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/limits.hpp"

namespace senderauth {
namespace {

std::string reason_of(std::string_view text) {
  auto r = TagList::parse(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? std::string() : r.reason();
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(TagList, ParsesSimpleList) {
  auto list = TagList::parse("v=1; a=rsa-sha256; d=example.com").value();
  ASSERT_EQ(list.tags().size(), 3u);
  EXPECT_EQ(list.tags()[0].name, "v");
  EXPECT_EQ(list.tags()[0].value, "1");
  EXPECT_EQ(*list.find("a"), "rsa-sha256");
  EXPECT_TRUE(list.has("d"));
  EXPECT_FALSE(list.has("s"));
  EXPECT_EQ(list.find("s"), nullptr);
}

TEST(TagList, KeepsOrderAndUnknownTags) {
  auto list = TagList::parse("z=1;x_y2=two;a=3").value();
  ASSERT_EQ(list.tags().size(), 3u);
  EXPECT_EQ(list.tags()[0].name, "z");
  EXPECT_EQ(list.tags()[1].name, "x_y2");
  EXPECT_EQ(list.tags()[2].name, "a");
}

TEST(TagList, TagNamesAreCaseSensitive) {
  auto list = TagList::parse("v=1; V=2").value();
  EXPECT_EQ(*list.find("v"), "1");
  EXPECT_EQ(*list.find("V"), "2");
}

TEST(TagList, AllowsTrailingSemicolonAndEmptyInput) {
  EXPECT_EQ(TagList::parse("v=1;").value().tags().size(), 1u);
  EXPECT_EQ(TagList::parse("v=1; \r\n ").value().tags().size(), 1u);
  EXPECT_TRUE(TagList::parse("").value().empty());
  EXPECT_TRUE(TagList::parse(" \t\r\n ").value().empty());
}

TEST(TagList, AllowsEmptyValues) {
  auto list = TagList::parse("p=; t = ;x=").value();
  EXPECT_EQ(*list.find("p"), "");
  EXPECT_EQ(*list.find("t"), "");
  EXPECT_EQ(*list.find("x"), "");
}

TEST(TagList, FoldingWhitespaceAroundTagsAndValues) {
  auto list = TagList::parse(" \r\n\tv \r\n = \r\n 1 \r\n ;\r\n b\t=\tab\r\n cd \t; c=x y").value();
  EXPECT_EQ(*list.find("v"), "1");
  EXPECT_EQ(*list.find("b"), "ab\r\n cd") << "inner FWS kept";
  EXPECT_EQ(*list.find("c"), "x y");
}

TEST(TagList, ValuesMayContainEqualsAndPrintables) {
  auto list = TagList::parse("b=abc+/==; h=From:To; z=|~!\"#$%&'()*,-.<>?@[\\]^_`{}").value();
  EXPECT_EQ(*list.find("b"), "abc+/==");
  EXPECT_EQ(*list.find("h"), "From:To");
  EXPECT_EQ(*list.find("z"), "|~!\"#$%&'()*,-.<>?@[\\]^_`{}");
}

TEST(TagList, RejectsDuplicateTag) {
  EXPECT_TRUE(contains(reason_of("v=1; a=2; v=1"), "duplicate tag 'v'"));
}

TEST(TagList, RejectsTagWithoutEquals) {
  EXPECT_TRUE(contains(reason_of("v=1; abc; d=x"), "tag 'abc' has no '='"));
  EXPECT_TRUE(contains(reason_of("v=1; abc"), "tag 'abc' has no '='"));
  EXPECT_TRUE(contains(reason_of("v"), "has no '='"));
}

TEST(TagList, RejectsBadTagNames) {
  EXPECT_TRUE(contains(reason_of("=1"), "must start with a letter"));
  EXPECT_TRUE(contains(reason_of("1a=1"), "must start with a letter, found '1'"));
  EXPECT_TRUE(contains(reason_of("_a=1"), "found '_'"));
  EXPECT_TRUE(contains(reason_of("a-b=1"), "invalid character '-' after tag name 'a'"));
  EXPECT_TRUE(contains(reason_of("a b=1"), "after tag name 'a'"));
  EXPECT_TRUE(contains(reason_of("\xc3\xa9=1"), "0xc3"));
}

TEST(TagList, RejectsEmptyTagSpecs) {
  EXPECT_TRUE(contains(reason_of("v=1;;a=2"), "empty tag-spec"));
  EXPECT_TRUE(contains(reason_of(";"), "empty tag-spec"));
  EXPECT_TRUE(contains(reason_of("; v=1"), "empty tag-spec"));
  EXPECT_TRUE(contains(reason_of("v=1; ;"), "empty tag-spec"));
}

TEST(TagList, RejectsControlAndNonAsciiInValues) {
  const std::string control =
      reason_of(std::string("v=1; a=b\x01"
                            "c",
                            11));
  EXPECT_TRUE(contains(control, "control byte 0x01 in value of tag 'a'")) << control;
  EXPECT_TRUE(contains(reason_of(std::string("a=b\0c", 5)), "0x00"));
  EXPECT_TRUE(contains(reason_of("a=b\x7f"), "0x7f"));
  const std::string high = reason_of("n=caf\xc3\xa9");
  EXPECT_TRUE(contains(high, "non-ASCII byte 0xc3 in value of tag 'n'")) << high;
}

// RFC 8616 5: a DKIM-Signature of an internationalised message may carry UTF-8 in its values.
TEST(TagViewList, Utf8ValuesWhenAsked) {
  const std::string text =
      "d=b\xc3\xbc"
      "cher.example; z=From:J=C3=B6rg|To:\xe2\x82\xac; s=s";
  EXPECT_FALSE(TagViewList::parse(text).ok());
  auto utf8 = TagViewList::parse(text, TagValueBytes::utf8);
  ASSERT_TRUE(utf8.ok()) << utf8.reason();
  EXPECT_EQ(utf8->find("d"),
            "b\xc3\xbc"
            "cher.example");
  EXPECT_EQ(utf8->find("z"), "From:J=C3=B6rg|To:\xe2\x82\xac");
  EXPECT_EQ(utf8->find("s"), "s");
  // Only well-formed UTF-8: Latin-1, a lone continuation byte, a truncated sequence, a
  // surrogate; control bytes stay refused.
  for (const std::string& bad :
       {std::string("d=b\xfc"
                    "cher"),
        std::string("d=a\x80"), std::string("d=end\xc3"), std::string("d=\xed\xa0\x80")}) {
    auto r = TagViewList::parse(bad, TagValueBytes::utf8);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(contains(r.reason(), "invalid UTF-8 at byte 0x")) << r.reason();
    EXPECT_TRUE(contains(r.reason(), "in value of tag 'd'")) << r.reason();
  }
  auto control = TagViewList::parse("d=a\x01", TagValueBytes::utf8);
  ASSERT_FALSE(control.ok());
  EXPECT_TRUE(contains(control.reason(), "control byte 0x01")) << control.reason();
  // Tag names stay ASCII.
  EXPECT_FALSE(TagViewList::parse("\xc3\xa9=1", TagValueBytes::utf8).ok());
}

// Long values are scanned 16 bytes at a time: a bad byte, a ';' or whitespace must be found
// at every position of a block, and in the bytes after the last whole block.
TEST(TagList, LongValuesAreCheckedAtEveryPosition) {
  const std::string run(40, 'A');
  for (std::size_t at = 0; at < run.size(); ++at) {
    for (const char bad : {'\x00', '\x1f', '\x7f', '\x80', '\xff'}) {
      std::string value = run;
      value[at] = bad;
      auto r = TagList::parse("b=" + value + "; c=1");
      ASSERT_FALSE(r.ok()) << at << " " << int(static_cast<unsigned char>(bad));
      EXPECT_TRUE(contains(r.reason(), "at offset " + std::to_string(2 + at))) << r.reason();
    }
    std::string ended = run;
    ended[at] = ';';
    auto semi = TagList::parse("b=" + ended);
    if (at == 0) {
      EXPECT_FALSE(semi.ok());  // "b=;A...": the second tag-spec has no '='
    } else if (at + 1 < run.size()) {
      EXPECT_FALSE(semi.ok()) << at;  // what follows the ';' is not a tag-spec either
    }
    std::string spaced = run;
    spaced[at] = ' ';
    const std::string text = "b=" + spaced + ";c=1";  // the views point into it
    auto list = TagViewList::parse(text);
    ASSERT_TRUE(list.ok()) << at << list.reason();
    std::string_view expect = run;
    if (at == 0) expect.remove_prefix(1);
    if (at + 1 == run.size()) expect.remove_suffix(1);
    EXPECT_EQ(*list->find("b"), at == 0 || at + 1 == run.size() ? std::string(expect) : spaced);
    EXPECT_EQ(*list->find("c"), "1");
  }
}

TEST(TagViewList, ViewsIntoTheTextAndAgreesWithTagList) {
  const std::string text = "v=1; a=rsa-sha256;\r\n\tb=abc\r\n def ; x_y=";
  auto views = TagViewList::parse(text).value();
  auto owned = TagList::parse(text).value();
  ASSERT_EQ(views.tags().size(), owned.tags().size());
  for (std::size_t i = 0; i < owned.tags().size(); ++i) {
    EXPECT_EQ(views.tags()[i].name, owned.tags()[i].name);
    EXPECT_EQ(views.tags()[i].value, owned.tags()[i].value);
    EXPECT_GE(views.tags()[i].value.data(), text.data());
    EXPECT_LE(views.tags()[i].value.data() + views.tags()[i].value.size(),
              text.data() + text.size());
  }
  EXPECT_EQ(*views.find("b"), "abc\r\n def");
  EXPECT_FALSE(views.find("z").has_value());
  EXPECT_EQ(TagViewList::parse("a=1; a=2").reason(), TagList::parse("a=1; a=2").reason());
}

TEST(TagList, RejectsLineBreaksThatAreNotFolding) {
  EXPECT_TRUE(contains(reason_of("a=b\r\nc=d"), "not followed by whitespace"));
  EXPECT_TRUE(contains(reason_of("a=b\nc"), "bare LF"));
  EXPECT_TRUE(contains(reason_of("a=b\r c"), "bare CR at offset 3"));
  EXPECT_TRUE(contains(reason_of("a=b\r"), "bare CR"));
  EXPECT_TRUE(contains(reason_of("a=b;\r\nc=d"), "not followed by whitespace"));
  EXPECT_TRUE(contains(reason_of("a=b\r\n"), "not followed by whitespace"));
  EXPECT_TRUE(contains(reason_of("a\n=b"), "bare LF"));
}

TEST(TagList, EnforcesTagCountLimit) {
  std::string text;
  for (std::size_t i = 0; i < core_limits::kMaxTags; ++i) text += "t" + std::to_string(i) + "=x;";
  EXPECT_EQ(TagList::parse(text).value().tags().size(), core_limits::kMaxTags);
  text += "extra=1";
  EXPECT_TRUE(contains(reason_of(text), "more than 64 tags"));
}

TEST(TagList, EnforcesLengthLimit) {
  const std::string prefix = "p=";
  const std::string at_limit = prefix + std::string(core_limits::kMaxTagListLength - 2, 'A');
  EXPECT_TRUE(TagList::parse(at_limit).ok());
  EXPECT_TRUE(contains(reason_of(at_limit + "A"), "exceeds the 65536-byte limit"));
}

TEST(StripWhitespace, RemovesSpTabCrLfOnly) {
  EXPECT_EQ(strip_whitespace(" MIIB\r\n\tIjAN Bgkq \r\n"), "MIIBIjANBgkq");
  EXPECT_EQ(strip_whitespace(""), "");
  EXPECT_EQ(strip_whitespace("a\vb"), "a\vb");
}

// Long runs are scanned 16 bytes at a time: every byte at or below SP is tried at every
// position of a 40-byte run, against the byte-by-byte definition.
TEST(StripWhitespace, LongRunsMatchTheByteWiseDefinition) {
  auto reference = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      if (!is_fws_char(c)) out.push_back(c);
    }
    return out;
  };
  for (std::size_t at = 0; at < 40; ++at) {
    for (int byte = 0; byte <= 0x21; ++byte) {
      std::string text(40, 'x');
      text[at] = static_cast<char>(byte);
      text += "\r\n\t" + std::string(33, 'y') + " ";
      EXPECT_EQ(strip_whitespace(text), reference(text)) << at << " " << byte;
    }
  }
}

TEST(TrimFws, TrimsSpTabCrLfAtTheEndsOnly) {
  EXPECT_EQ(trim_fws(" \r\n\ta b\t\r\n "), "a b");
  EXPECT_EQ(trim_fws("\r\n"), "");
  EXPECT_EQ(trim_fws(""), "");
  EXPECT_EQ(trim_fws("\va\v"), "\va\v");
}

}  // namespace
}  // namespace senderauth
