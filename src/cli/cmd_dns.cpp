// senderauth dns TYPE NAME [--zone FILE | --server IP[@PORT]] [--dns-timeout MS] [--json]
//
// Exit status: 0 when DNS answered (ok, nxdomain or nodata: the status line says which), 1 when
// the lookup failed (servfail, timeout, error), 2 for usage errors and unreadable zone files.
#include <algorithm>
#include <asio/io_context.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command_registry.hpp"
#include "cli/resolver_options.hpp"
#include "senderauth/core/byte_text.hpp"
#include "senderauth/core/domain_name.hpp"
#include "senderauth/dns/run_sync.hpp"

namespace senderauth::cli {
namespace {

constexpr int kExitAnswered = 0;
constexpr int kExitLookupFailed = 1;

// A name as dig presents it: a label's bytes may be anything, and printed raw a NUL would cut
// the line and a LF start a forged one. '\' and the bytes master files give a meaning
// (" ( ) ; @ $) are escaped, other bytes outside printable ASCII written as \DDD. (A '.'
// inside a label never gets this far: such names are refused when read.)
std::string presented(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::string_view("\\\"();@$").find(static_cast<char>(c)) != std::string_view::npos) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x21 || c >= 0x7F) {
      append_decimal_escape(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string absolute(const std::string& name) {
  return name.empty() ? "." : presented(name) + ".";
}

// Error text may quote a name from DNS: controls as \DDD so that it stays one line.
std::string one_line(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) {
      append_decimal_escape(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// A <character-string> as dig prints it: quoted, '"' and '\' escaped, other bytes outside
// printable ASCII as \DDD.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7F) {
      append_decimal_escape(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// The presentation form of each record's data, in answer order.
std::vector<std::string> rdata_texts(const dns::Answer& answer) {
  std::vector<std::string> out;
  for (const auto& address : answer.addresses) out.push_back(address.to_string());
  for (const auto& record : answer.txt) {
    std::string line;
    for (const auto& piece : record) {
      if (!line.empty()) line += ' ';
      line += quoted(piece);
    }
    out.push_back(line);
  }
  for (const auto& mx : answer.mx) {
    out.push_back(std::to_string(mx.preference) + " " + absolute(mx.exchange));
  }
  for (const auto& name : answer.names) out.push_back(absolute(name));
  for (const auto& caa : answer.caa) {
    out.push_back(std::to_string(caa.flags) + " " + caa.tag + " " + quoted(caa.value));
  }
  return out;
}

void print_text(const dns::Answer& answer) {
  std::printf(";; %s %s: %s (ttl %u, dnssec %s)\n", absolute(answer.name).c_str(),
              std::string(dns::to_string(answer.type)).c_str(),
              std::string(dns::to_string(answer.status)).c_str(), answer.ttl,
              std::string(dns::to_string(answer.dnssec)).c_str());
  if (!answer.error_text.empty()) {
    std::printf(";; error: %s\n", one_line(answer.error_text).c_str());
  }
  std::string owner = answer.name;
  for (const auto& hop : answer.cname_chain) {
    std::printf("%s\t%u\tIN\tCNAME\t%s\n", absolute(owner).c_str(), answer.ttl,
                absolute(hop).c_str());
    owner = hop;
  }
  for (const auto& rdata : rdata_texts(answer)) {
    std::printf("%s\t%u\tIN\t%s\t%s\n", absolute(owner).c_str(), answer.ttl,
                std::string(dns::to_string(answer.type)).c_str(), rdata.c_str());
  }
  if (answer.ok() && answer.type == dns::RecordType::SOA) {
    std::printf(";; the SOA record exists; its fields are not reported\n");
  }
}

nlohmann::ordered_json records_json(const dns::Answer& answer) {
  auto records = nlohmann::ordered_json::array();
  for (const auto& address : answer.addresses) records.push_back(address.to_string());
  for (const auto& record : answer.txt) {
    std::string joined;
    for (const auto& piece : record) joined += piece;
    records.push_back({{"strings", record}, {"text", joined}});
  }
  for (const auto& mx : answer.mx) {
    records.push_back({{"preference", mx.preference}, {"exchange", presented(mx.exchange)}});
  }
  for (const auto& name : answer.names) records.push_back(presented(name));
  for (const auto& caa : answer.caa) {
    records.push_back({{"flags", caa.flags}, {"tag", caa.tag}, {"value", caa.value}});
  }
  return records;
}

void print_json(const dns::Answer& answer) {
  std::vector<std::string> chain;
  for (const auto& hop : answer.cname_chain) chain.push_back(presented(hop));
  nlohmann::ordered_json doc = {
      {"name", presented(answer.name)},
      {"type", dns::to_string(answer.type)},
      {"status", dns::to_string(answer.status)},
      {"ttl", answer.ttl},
      {"dnssec", dns::to_string(answer.dnssec)},
      {"records", records_json(answer)},
      {"cname_chain", chain},
      {"error", answer.error_text.empty() ? nlohmann::ordered_json(nullptr)
                                          : nlohmann::ordered_json(answer.error_text)},
  };
  // DNS text may hold any byte; JSON strings are UTF-8, so invalid bytes become U+FFFD.
  std::printf("%s\n",
              doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
}

// A name no server can be asked for is a malformed argument (exit 2), not a failed lookup
// (exit 1, which a monitoring script reads as a DNS problem). The root is ".".
void check_query_name(std::string_view name) {
  if (name.empty()) throw CliError("empty name");
  const std::string shown = "NAME '" + one_line(std::string(name)) + "'";
  if (name == ".") return;
  if (name.back() == '.') name.remove_suffix(1);
  if (name.size() > kMaxDomainLength) {
    throw CliError(shown + " is longer than " + std::to_string(kMaxDomainLength) + " octets");
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    if (dot == start) throw CliError(shown + " has an empty label");
    if (dot - start > kMaxLabelLength) {
      throw CliError(shown + " has a label longer than " + std::to_string(kMaxLabelLength) +
                     " octets");
    }
    if (dot == name.size()) return;
    start = dot + 1;
  }
}

struct DnsCommand {
  std::string type_text;
  std::string name;
  bool json = false;
  ResolverOptions resolver;
};

int run(const DnsCommand& command) {
  dns::RecordType type{};
  if (!dns::parse_record_type(command.type_text, type)) {
    throw CliError("unknown record type '" + command.type_text +
                   "' (A, AAAA, TXT, SPF, MX, PTR, CNAME, NS, SOA, CAA)");
  }
  check_query_name(command.name);
  asio::io_context io;
  auto resolver = command.resolver.make(io);
  auto answer = dns::run_sync(io, resolver->query(command.name, type));
  if (command.json) {
    print_json(answer);
  } else {
    print_text(answer);
  }
  std::fflush(stdout);
  return answer.temporary_failure() ? kExitLookupFailed : kExitAnswered;
}

CommandRegistration registration("dns", [](CLI::App& app, CliState& state) {
  auto command = std::make_shared<DnsCommand>();
  auto* sub = app.add_subcommand("dns", "Look up one DNS record set (as SPF/DKIM/DMARC would)");
  sub->add_option("TYPE", command->type_text, "A, AAAA, TXT, SPF, MX, PTR, CNAME, NS, SOA, CAA")
      ->required();
  sub->add_option("NAME", command->name, "Domain name to look up")->required();
  sub->add_flag("--json", command->json, "Print the answer as one JSON object");
  command->resolver.add_to(*sub);
  sub->callback([command, &state] { state.exit_code = run(*command); });
});

}  // namespace
}  // namespace senderauth::cli
