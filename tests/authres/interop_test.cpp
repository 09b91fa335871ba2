// The Authentication-Results fields we write, read back by another implementation: python3-
// authres (the RFC 8601 parser dkimpy and authheaders use). Values that come from the network
// (MAIL FROM, HELO, header.from, reasons) are chosen to need quoting and escaping; each must
// come back as the sanitised value we meant, under the method and result we wrote.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "senderauth/authres/clause.hpp"
#include "senderauth/authres/format.hpp"
#include "senderauth/authres/parser.hpp"
#include "support/conformance.hpp"
#include "support/peer.hpp"
#include "support/scratch_dir.hpp"

namespace senderauth::authres {
namespace {

// argv = field files; prints one JSON array per file: [[method, result, reason, [[ptype,
// property, value], ...]], ...]. python3-authres gives a value as written, only without the
// quotes around a quoted-string (its quoted-pairs stay).
constexpr std::string_view kPythonParse = R"PY(
import sys, json, re, authres
for path in sys.argv[1:]:
    field = open(path, encoding='utf-8').read()
    unfolded = re.sub(r'\r?\n(?=[ \t])', '', field).rstrip('\r\n')
    try:
        header = authres.AuthenticationResultsHeader.parse(unfolded)
    except Exception as e:
        print(json.dumps('error: %s' % e))
        continue
    print(json.dumps([[r.method, r.result, r.reason,
                       [[p.type, p.name, p.value] for p in r.properties]]
                      for r in header.results]))
)PY";

bool have_python_authres() {
  return testing::command_succeeds(std::string(testing::kPython) + " -c 'import authres'");
}

// How a value is written (`quoted` for the reason, else as a pvalue): the sanitised text as a
// token, an address, or a quoted-string.
std::string written(const std::string& value, bool utf8, bool reason = false) {
  const std::string clean = sanitize_value(value, utf8);
  return reason ? quote_value(clean) : quote_pvalue(clean);
}

bool whole_quoted(const std::string& text) {
  return text.size() >= 2 && text.front() == '"' && text.back() == '"';
}

// What a reader should give for a written value. `unquoted`: the quoted-string's content, as
// our reader gives it; else its text between the quotes, as python3-authres gives it.
std::string read_back(const std::string& value, bool utf8, bool unquoted, bool reason = false) {
  const std::string text = written(value, utf8, reason);
  if (!whole_quoted(text)) return text;  // a token or an address
  return unquoted ? sanitize_value(value, utf8) : text.substr(1, text.size() - 2);
}

// The clauses of one field as a reader should give them.
nlohmann::json expected(const AuthResults& results, bool utf8, bool unquoted) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : results.clauses) {
    nlohmann::json properties = nlohmann::json::array();
    for (const auto& p : c.properties) {
      properties.push_back({p.ptype, p.name, read_back(p.value, utf8, unquoted)});
    }
    nlohmann::json reason = nullptr;
    // A reason with nothing left once sanitised (white space, control bytes) is left out.
    if (!sanitize_value(c.reason, utf8).empty()) reason = read_back(c.reason, utf8, unquoted, true);
    out.push_back({c.method, c.result, reason, properties});
  }
  return out;
}

// The same from what a reader gave.
nlohmann::json as_json(const AuthResults& results) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : results.clauses) {
    nlohmann::json properties = nlohmann::json::array();
    for (const auto& p : c.properties) properties.push_back({p.ptype, p.name, p.value});
    nlohmann::json reason = nullptr;
    if (!c.reason.empty()) reason = c.reason;
    out.push_back({c.method, c.result, reason, properties});
  }
  return out;
}

struct Case {
  std::string name;
  AuthResults results;
  bool utf8 = false;  // an RFC 6532 field: UTF-8 kept, which python3-authres cannot read
};

std::vector<Case> cases() {
  std::vector<Case> out;
  auto add = [&](std::string name, std::vector<Clause> clauses, bool utf8 = false) {
    AuthResults r;
    r.authserv_id = "mx.example.net";
    r.clauses = std::move(clauses);
    out.push_back({std::move(name), std::move(r), utf8});
  };
  const IpAddress client = *IpAddress::parse("192.0.2.25");
  auto spf = [](std::string_view identity, SpfScope scope = SpfScope::mailfrom) {
    return make_spf_clause("pass", scope, identity, "matched (nested) \\ ip4");
  };
  add("quoted_local_part", {spf("\"john (doe)\\\"x\"@example.test")});
  add("specials_in_local_part", {spf("a;b=c@example.test"), spf("x(y@example.test")});
  add("space_in_local_part", {spf("\"two words\"@example.test")});
  add("header_injection", {spf("a@example.test\r\nX-Injected: yes")});
  add("odd_helo", {spf("he\"lo(;", SpfScope::helo), spf("[192.0.2.25]", SpfScope::helo)});
  add("utf8_dropped", {spf("j\xc3\xb6rg@b\xc3\xbc"
                           "cher.example")});
  add("utf8_kept",
      {spf("j\xc3\xb6rg@b\xc3\xbc"
           "cher.example")},
      true);
  Clause dmarc = make_dmarc_clause("fail", "example.test", "reject");
  dmarc.reason = "policy says \"no\"; (really)";
  add("reason_with_quotes", {make_iprev_clause("pass", client, "mail (x)"), dmarc});
  DkimClauseInput dkim;
  dkim.result = "pass";
  dkim.domain = "example.test";
  dkim.identity = "\"odd user\"@example.test";
  dkim.selector = "sel-2026";
  dkim.algorithm = "rsa-sha256";
  dkim.b_prefix = "Ab+/9=";
  dkim.comment = "2048-bit rsa key";
  add("dkim_values", {make_dkim_clause(dkim)});
  add("long_value_folded", {spf(std::string(120, 'a') + " b@" + std::string(60, 'c') + ".test")});
  return out;
}

// Values drawn at random (a fixed seed) from the bytes that need care: quotes, backslashes,
// parentheses, ";", "=", "@" (none, one, several), spaces and tabs, CR and LF, other control
// bytes, 8-bit bytes, and plain letters, in MAIL FROM and HELO identities, DKIM's i= and the
// reason of a DMARC clause.
std::vector<Case> random_cases() {
  std::mt19937 rng(8601);
  const std::string alphabet = "aZ09.-_\"\\();=@ \t\r\n\x01\x7f\xc3\xa9+/!#$%&'*?^`{|}~<>,[]:";
  auto random_text = [&] {
    std::string out;
    const std::size_t n = 1 + rng() % (rng() % 8 == 0 ? 200 : 24);
    for (std::size_t i = 0; i < n; ++i) out.push_back(alphabet[rng() % alphabet.size()]);
    return out;
  };
  std::vector<Case> out;
  for (int n = 0; n < 200; ++n) {
    AuthResults r;
    r.authserv_id = "mx.example.net";
    const std::string local = random_text();
    const std::string address = rng() % 4 == 0 ? local : local + "@example.test";
    r.clauses.push_back(make_spf_clause(rng() % 2 ? "pass" : "fail",
                                        rng() % 3 == 0 ? SpfScope::helo : SpfScope::mailfrom,
                                        address, random_text()));
    const std::string identity = random_text() + "@example.test";  // the input holds views
    DkimClauseInput dkim;
    dkim.result = "pass";
    dkim.domain = "example.test";
    dkim.identity = identity;
    dkim.selector = "s";
    dkim.algorithm = "rsa-sha256";
    dkim.b_prefix = "Ab+/9=";
    r.clauses.push_back(make_dkim_clause(dkim));
    Clause dmarc = make_dmarc_clause("fail", "example.test", "reject");
    dmarc.reason = random_text();
    r.clauses.push_back(dmarc);
    out.push_back({"random_" + std::to_string(n), std::move(r), false});
  }
  return out;
}

// Writes each case's field, has python3-authres and our strict reader read it back, and
// compares what they give with what was meant.
void expect_read_back_as_written(const std::vector<Case>& all) {
  testing::ScratchDir dir("senderauth-authres-interop");
  const std::string script = dir.write("parse.py", std::string(kPythonParse));
  std::string files;
  std::vector<std::string> fields;
  for (const auto& c : all) {
    FormatOptions options;
    options.allow_utf8 = c.utf8;
    auto field = format_field(c.results, options);
    ASSERT_TRUE(field.ok()) << c.name << ": " << field.reason();
    fields.push_back(*field);
    files += " " + dir.write(c.name + ".txt", *field);
  }
  const std::string out = testing::run_shell(std::string(testing::kPython) + " " + script + files);
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < out.size();) {
    std::size_t end = out.find('\n', at);
    lines.push_back(out.substr(at, end - at));
    at = end == std::string::npos ? out.size() : end + 1;
  }
  ASSERT_EQ(lines.size(), all.size()) << out;
  for (std::size_t i = 0; i < all.size(); ++i) {
    SCOPED_TRACE(all[i].name + "\n" + fields[i]);
    const auto got = nlohmann::json::parse(lines[i], nullptr, false);
    ASSERT_FALSE(got.is_discarded()) << lines[i];
    if (all[i].utf8) {
      EXPECT_TRUE(got.is_string()) << got;  // python3-authres reads ASCII only
    } else {
      EXPECT_EQ(got, expected(all[i].results, all[i].utf8, false));
    }
    // Our own reader, strict, gives what was meant.
    const std::string_view value = std::string_view(fields[i]).substr(kFieldName.size() + 1);
    auto ours = parse_authres(value, ParseOptions{.strict = true});
    ASSERT_TRUE(ours.ok()) << ours.reason();
    EXPECT_EQ(ours->authserv_id, "mx.example.net");
    EXPECT_EQ(as_json(*ours), expected(all[i].results, all[i].utf8, true));
  }
}

TEST(AuthresInterop, PythonAuthresReadsWhatWeWrite) {
  SENDERAUTH_NEED_PEER(have_python_authres(), "python3-authres");
  expect_read_back_as_written(cases());
}

TEST(AuthresInterop, PythonAuthresReadsRandomValuesAsWritten) {
  SENDERAUTH_NEED_PEER(have_python_authres(), "python3-authres");
  expect_read_back_as_written(random_cases());
}

}  // namespace
}  // namespace senderauth::authres
