#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "senderauth/message/address_author.hpp"
#include "senderauth/message/message_reader.hpp"
#include "support/conformance.hpp"

namespace senderauth::message {
namespace {

using Values = std::vector<std::string>;

TEST(AuthorDomains, OneMailbox) {
  auto r = author_domains(Values{" Test User <test@Sub2.Example.BIZ>"});
  ASSERT_TRUE(r.ok()) << r.reason();
  EXPECT_EQ(r->domains, Values{"sub2.example.biz"});
}

TEST(AuthorDomains, NoFromField) {
  auto r = author_domains({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.reason(), "no From field");
}

TEST(AuthorDomains, UnparseableNamesTheProblem) {
  auto r = author_domains(Values{" \"Test User\""});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.reason().find("unparseable From field"), std::string::npos);
  EXPECT_NE(r.reason().find("Test User"), std::string::npos);
}

TEST(AuthorDomains, RejectPolicy) {
  EXPECT_FALSE(author_domains(Values{"a@a.test", "b@b.test"}).ok());
  EXPECT_FALSE(author_domains(Values{"a@a.test", "b@a.test"}).ok());  // two fields: never
  auto r = author_domains(Values{"a@a.test, b@b.test, c@a.test"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.reason(),
            "From field lists 3 mailboxes in 2 domains, where one author domain is allowed");
  EXPECT_TRUE(several_authors(Values{"a@a.test, b@b.test"}));
  EXPECT_TRUE(several_authors(Values{"a@a.test", "b@a.test"}));
  // Not several authors: one domain, or a value that is broken for another reason.
  EXPECT_FALSE(several_authors(Values{"a@a.test, b@A.test"}));
  EXPECT_FALSE(several_authors(Values{"a@a.test, <b@b.test"}));
  EXPECT_FALSE(several_authors(Values{}));
}

TEST(AuthorDomains, EvaluateEachKeepsDistinctDomainsInOrder) {
  auto r = author_domains(
      Values{"Bad User <spoof@example.org>,Test User <test@example.com>", "x@EXAMPLE.org"},
      MultipleFromPolicy::evaluate_each);
  ASSERT_TRUE(r.ok()) << r.reason();
  EXPECT_EQ(r->domains, (Values{"example.org", "example.com"}));
  EXPECT_EQ(r->mailboxes.size(), 3u);
}

// Several mailboxes of one domain are one author domain, however the domain is written (as
// OpenDMARC's RejectMultiValueFrom allows): DMARC judges that domain.
TEST(AuthorDomains, SameDomainTwiceIsOneAuthorDomain) {
  auto r = author_domains(Values{"a@a.test, b@A.TEST, c@xn--bcher-kva.test, d@b\xc3\xbc"
                                 "cher.test"},
                          MultipleFromPolicy::evaluate_each);
  ASSERT_TRUE(r.ok()) << r.reason();
  EXPECT_EQ(r->domains, (Values{"a.test", "xn--bcher-kva.test"}));
  auto one = author_domains(Values{"Alice <a@a.test>, Bob <b@a.test>"});
  ASSERT_TRUE(one.ok()) << one.reason();
  EXPECT_EQ(one->domains, Values{"a.test"});
  EXPECT_EQ(one->mailboxes.size(), 2u);
}

TEST(AuthorDomains, EmptyGroupAndDomainLiteral) {
  EXPECT_FALSE(author_domains(Values{"undisclosed:;"}).ok());
  auto r = author_domains(Values{"a@[192.0.2.7]"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.reason().find("domain literal"), std::string::npos);
}

TEST(AuthorDomains, GroupInFrom) {  // RFC 6854
  auto r = author_domains(Values{"Team: one@team.test;"});
  ASSERT_TRUE(r.ok()) << r.reason();
  EXPECT_EQ(r->domains, Values{"team.test"});
}

// "X-Pad: a\rFrom: Bank <user@bank.test>\r\r...": a reader that ends lines at a bare CR sees a
// From field in X-Pad, and a blank line after it; the From field that follows is body to it.
// `fields` From field values of `per_field` mailboxes each, every mailbox in a domain of its own.
Values distinct_authors(std::size_t fields, std::size_t per_field) {
  Values values;
  std::size_t n = 0;
  for (std::size_t f = 0; f < fields; ++f) {
    std::string value;
    for (std::size_t k = 0; k < per_field; ++k, ++n) {
      value += (k == 0 ? "a@d" : ", a@d") + std::to_string(n) + ".example";
    }
    values.push_back(std::move(value));
  }
  return values;
}

// At most 256 author mailboxes are read in all (one full field's worth): more is refused, and
// the fields after the one that goes over are not read at all, so a header section of From
// fields (1 MB, hundreds of fields of 256 mailboxes in as many domains) costs what 256 cost.
TEST(AuthorDomains, AuthorMailboxesAreCappedInAll) {
  EXPECT_EQ(AddressLimits{}.max_author_mailboxes, 256u);
  Values values = distinct_authors(2, 200);
  values.emplace_back("<broken");  // never read: the cap stops the walk before it
  auto r = author_domains(values, MultipleFromPolicy::evaluate_each);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.reason(),
            "more than 256 author mailboxes in 3 From fields, where at most 256 are read");
  EXPECT_TRUE(too_many_authors(values));
  // Under reject several fields are several authors: the walk that checks that they parse
  // stops at the cap as well.
  EXPECT_TRUE(several_authors(values));
  EXPECT_EQ(author_domains(values).reason(), "3 From fields, where one is allowed");

  // Up to the cap: every domain, each once.
  auto full = author_domains(distinct_authors(1, 256), MultipleFromPolicy::evaluate_each);
  ASSERT_TRUE(full.ok()) << full.reason();
  EXPECT_EQ(full->domains.size(), 256u);
  EXPECT_FALSE(too_many_authors(distinct_authors(1, 256)));
  EXPECT_FALSE(too_many_authors(Values{"a@a.test", "<broken"}));  // refused, but not for that
  AddressLimits few;
  few.max_author_mailboxes = 3;
  EXPECT_TRUE(too_many_authors(Values{"a@a.test, b@a.test", "c@a.test, d@a.test"}, few));
  EXPECT_FALSE(author_domains(Values{"a@a.test, b@a.test", "c@a.test, d@a.test"},
                              MultipleFromPolicy::evaluate_each, few)
                   .ok());
}

// One field over the parser's mailbox limit (256) is capped as several fields are, not an
// unparseable field: whatever follows the 257th mailbox is never read.
TEST(AuthorDomains, OneFieldOverTheMailboxLimitIsCapped) {
  Values one = distinct_authors(1, 257);
  one[0] += ", <broken";
  for (auto policy : {MultipleFromPolicy::reject, MultipleFromPolicy::evaluate_each}) {
    auto r = author_domains(one, policy);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.reason(),
              "more than 256 author mailboxes in one From field, where at most 256 are read");
  }
  EXPECT_TRUE(too_many_authors(one));
  EXPECT_FALSE(several_authors(one));
  bool over = false;
  EXPECT_FALSE(parse_address_list(one[0], {}, over).ok());
  EXPECT_TRUE(over);
  EXPECT_FALSE(parse_address_list("<broken", {}, over).ok());
  EXPECT_FALSE(over);
  EXPECT_TRUE(parse_address_list("a@a.test", {}, over).ok());
  EXPECT_FALSE(over);
}

TEST(FromFieldValues, FromFieldHiddenBehindABareCrCounts) {
  auto message = parse_message(
      "X-Pad: a\rFrom: Bank <user@bank.test>\r\rjunk\r\n"
      "From: x@attacker.test\r\n"
      "Subject: s\rfrom :  y@other.test\r\n (folded)\r\n\r\nbody\r\n");
  ASSERT_TRUE(message.ok()) << message.reason();
  const Values values = from_field_values(message->headers);
  EXPECT_EQ(values,
            (Values{" Bank <user@bank.test>", " x@attacker.test", "  y@other.test\r\n (folded)"}));
  EXPECT_TRUE(several_authors(values));
  auto each = author_domains(values, MultipleFromPolicy::evaluate_each);
  ASSERT_TRUE(each.ok()) << each.reason();
  EXPECT_EQ(each->domains, (Values{"bank.test", "attacker.test", "other.test"}));
}

TEST(FromFieldValues, OrdinaryFieldsHideNothing) {
  auto message = parse_message(
      "From: x@example.test\r\n"
      "Subject: From: y@other.test\r\n"
      "X-A: a\r From: y@other.test\r\n"  // a bare CR before a space: a continuation line
      "X-B: a\rFromage: y@other.test\r\n"
      "X-C: a\r\n From: y@other.test\r\n\r\nbody\r\n");
  ASSERT_TRUE(message.ok()) << message.reason();
  EXPECT_EQ(from_field_values(message->headers), Values{" x@example.test"});
}

// OpenDMARC's finddomain table and authheaders' get_domain_part: each case one ctest test.
// OpenDMARC returns the first address of a list: we compare with the first domain found under
// evaluate_each. Inputs OpenDMARC digs a domain out of although they are not RFC 5322 (listed
// in kNotRfc5322) must be errors here: an author domain we cannot parse is a permerror. The
// quoted words with an '@' before an address are such inputs: joined into one local part they
// are the shape of '"user@bank.test" x@attacker.test' (see address.hpp).
struct FromCase {
  std::string name;
  std::string raw;
  std::string domain;
};

const std::vector<std::string> kNotRfc5322 = {"<<<><joe@joe.com>>>",
                                              "\"Johnson, Joe <joe@joe.com>\" joe@joe.com",
                                              "\"( bob@bob.com)\" joe@joe.com"};

std::vector<FromCase> load_from_cases() {
  std::vector<FromCase> cases;
  const auto od =
      senderauth::testing::conformance_path("dmarc/vectors/opendmarc-unit-vectors.json");
  const auto ah = senderauth::testing::conformance_path("dmarc/vectors/authheaders/cases.json");
  if (std::filesystem::exists(od)) {
    auto j = nlohmann::json::parse(senderauth::testing::read_file_bytes(od), nullptr, false);
    if (!j.is_discarded()) {
      int n = 0;
      for (const auto& c : j["from_domain_extraction"]["cases"]) {
        cases.push_back({"opendmarc_" + std::to_string(++n), c["raw"], c["domain"]});
      }
    }
  }
  if (std::filesystem::exists(ah)) {
    auto j = nlohmann::json::parse(senderauth::testing::read_file_bytes(ah), nullptr, false);
    if (!j.is_discarded()) {
      int n = 0;
      for (const auto& c : j["get_domain_part"]) {
        cases.push_back({"authheaders_" + std::to_string(++n), c[0], c[1]});
      }
    }
  }
  return cases;
}

void PrintTo(const FromCase& c, std::ostream* os) {
  *os << c.raw;
}

class FromVector : public ::testing::TestWithParam<FromCase> {};

TEST_P(FromVector, Domain) {
  const FromCase& c = GetParam();
  auto r = author_domains(Values{c.raw}, MultipleFromPolicy::evaluate_each);
  if (std::find(kNotRfc5322.begin(), kNotRfc5322.end(), c.raw) != kNotRfc5322.end()) {
    EXPECT_FALSE(r.ok()) << c.raw;
    return;
  }
  ASSERT_TRUE(r.ok()) << c.raw << ": " << r.reason();
  ASSERT_FALSE(r->domains.empty());
  EXPECT_EQ(r->domains.front(), c.domain) << c.raw;
}

INSTANTIATE_TEST_SUITE_P(Conformance, FromVector, ::testing::ValuesIn(load_from_cases()),
                         [](const auto& info) { return info.param.name; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FromVector);

TEST(FromVectors, Present) {
  SENDERAUTH_NEED_CONFORMANCE("dmarc/vectors");
  EXPECT_FALSE(load_from_cases().empty());
}

}  // namespace
}  // namespace senderauth::message
