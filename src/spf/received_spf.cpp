#include "senderauth/spf/received_spf.hpp"

#include <string>

namespace senderauth::spf {

namespace {

// atext (RFC 5322 3.2.3)
bool is_atext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_dot_atom(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  char previous = 0;
  for (char c : text) {
    if (c == '.') {
      if (previous == '.') return false;
    } else if (!is_atext(c)) {
      return false;
    }
    previous = c;
  }
  return true;
}

std::string verdict_comment(const SpfResult& r, std::string_view receiver) {
  const std::string who = sanitize_header_text(r.sender, 256);
  const std::string ip = r.client_ip.to_string();
  std::string text = sanitize_header_text(receiver, 128) + ": ";
  const bool helo = r.identity == SpfIdentity::helo;
  const std::string subject =
      helo ? "domain of " + sanitize_header_text(r.domain, 256) : "domain of " + who;
  switch (r.verdict) {
    case SpfVerdict::pass:
      text += subject + " designates " + ip + " as permitted sender";
      break;
    case SpfVerdict::fail:
      text += subject + " does not designate " + ip + " as permitted sender";
      break;
    case SpfVerdict::softfail:
      text += "transitioning " + subject + " does not designate " + ip + " as permitted sender";
      break;
    case SpfVerdict::neutral:
      text += ip + " is neither permitted nor denied by " + subject;
      break;
    case SpfVerdict::none:
      text += subject + " does not designate permitted sender hosts";
      break;
    case SpfVerdict::temperror:
      text += "temporary error checking " + subject;
      break;
    case SpfVerdict::permerror:
      text += "permanent error in the SPF policy of " + sanitize_header_text(r.domain, 256);
      break;
  }
  return text;
}

void add_pair(std::string& out, std::string_view key, std::string_view value) {
  out += ' ';
  out += key;
  out += '=';
  out += header_value(value);
  out += ';';
}

}  // namespace

std::string sanitize_header_text(std::string_view text, std::size_t max_length) {
  std::string out;
  out.reserve(std::min(text.size(), max_length));
  bool pending_space = false;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte == ' ' || byte == '\t' || byte == '\r' || byte == '\n') {
      pending_space = !out.empty();  // runs of white space (and line breaks) become one space
      continue;
    }
    if (pending_space) {
      if (out.size() + 1 >= max_length) break;
      out.push_back(' ');
      pending_space = false;
    }
    if (out.size() >= max_length) break;
    out.push_back((byte < 0x20 || byte >= 0x7f) ? '?' : c);
  }
  return out;
}

std::string header_value(std::string_view text) {
  std::string clean = sanitize_header_text(text);
  if (is_dot_atom(clean)) return clean;
  std::string out = "\"";
  for (char c : clean) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string comment_text(std::string_view text) {
  std::string clean = sanitize_header_text(text);
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string format_received_spf(const SpfResult& result, std::string_view receiver) {
  std::string out = "Received-SPF: ";
  out += to_string(result.verdict);
  out += " (";
  out += comment_text(verdict_comment(result, receiver));
  out += ')';
  add_pair(out, "client-ip", result.client_ip.to_string());
  if (result.identity == SpfIdentity::mailfrom) add_pair(out, "envelope-from", result.sender);
  if (!result.helo.empty()) add_pair(out, "helo", result.helo);
  if (!receiver.empty()) add_pair(out, "receiver", receiver);
  add_pair(out, "identity", to_string(result.identity));
  if (!result.mechanism.empty()) add_pair(out, "mechanism", result.mechanism);
  if (!result.problem.empty() &&
      (result.verdict == SpfVerdict::permerror || result.verdict == SpfVerdict::temperror)) {
    add_pair(out, "problem", result.problem);
  }
  if (out.back() == ';') out.pop_back();
  return out;
}

std::string format_authres_spf(const SpfResult& result) {
  std::string out = "spf=";
  out += to_string(result.verdict);
  if ((result.verdict == SpfVerdict::permerror || result.verdict == SpfVerdict::temperror) &&
      !result.problem.empty()) {
    out += " (";
    out += comment_text(sanitize_header_text(result.problem, 200));
    out += ')';
  }
  if (result.identity == SpfIdentity::helo) {
    out += " smtp.helo=";
    out += header_value(result.domain);
  } else {
    // pvalue: [local-part "@"] domain-name. A local part that is not a dot-atom would need
    // quoting that many A-R parsers mishandle; the domain alone is what DMARC uses anyway.
    std::string_view sender = result.sender;
    auto at = sender.rfind('@');
    std::string_view local = at == std::string_view::npos ? "" : sender.substr(0, at);
    std::string domain = sanitize_header_text(result.domain, 253);
    out += " smtp.mailfrom=";
    if (is_dot_atom(local) && is_dot_atom(domain)) {
      out += std::string(local) + "@" + domain;
    } else {
      out += header_value(domain);
    }
  }
  return out;
}

}  // namespace senderauth::spf
