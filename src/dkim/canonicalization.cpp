#include "senderauth/dkim/canonicalization.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "senderauth/core/cpu_features.hpp"
#include "senderauth/core/header_text.hpp"
#include "senderauth/core/line_ends.hpp"
#include "senderauth/core/tag_list.hpp"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SENDERAUTH_AVX2_DISPATCH 1
#endif

namespace senderauth::dkim {

namespace {

constexpr std::size_t kBufferSize = 16 * 1024;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Bytes that interrupt a run of ordinary body text under relaxed rules (an LF here is a bare
// one: the CR of a CRLF interrupts the run first).
constexpr std::array<bool, 256> kRelaxedSpecial = [] {
  std::array<bool, 256> t{};
  t[' '] = t['\t'] = t['\r'] = t['\n'] = true;
  return t;
}();

// Spans at least this long skip the output buffer and go straight to the hash.
constexpr std::size_t kDirectSpan = 512;

// The fast paths below find the longest prefix of a chunk that canonicalisation leaves
// unchanged, so ordinary text (empty lines inside the body included) goes to the hash in one
// span instead of line by line. A prefix never ends on a CR or a CRLF: line ends after the last
// content may turn out to be trailing, and that is for the byte-wise state machine to decide.
std::size_t back_off_line_ends(const char* p, std::size_t n) {
  if (n >= 1 && p[n - 1] == '\r') --n;
  while (n >= 2 && p[n - 2] == '\r' && p[n - 1] == '\n') n -= 2;
  return n;
}

// Simple: every byte is kept as it is (a bare CR is data), so all up to a bare LF (which
// becomes CRLF) but the trailing line ends. Called with no CR pending before `p`.
std::size_t simple_clean_prefix(const char* p, const char* end) {
  const std::size_t n = std::min<std::size_t>(
      find_bare_lf(std::string_view(p, static_cast<std::size_t>(end - p)), false),
      static_cast<std::size_t>(end - p));
  return back_off_line_ends(p, n);
}

// Relaxed: unchanged unless a TAB, an SP followed by WSP or CR (a run to shorten, or
// whitespace at the end of a line), or a bare LF (becomes CRLF; the byte before it is marked).
// Looks one byte ahead, so stops one byte before the end.
// Bounded so that the hash reads the bytes while the scan has left them in the cache.
constexpr std::size_t kRelaxedScan = 16 * 1024;

#ifdef __SSE2__
// Bytes followed by a bare LF: an LF after anything but CR.
inline __m128i before_bare_lf(__m128i a, __m128i b) {
  return _mm_andnot_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8('\r')),
                          _mm_cmpeq_epi8(b, _mm_set1_epi8('\n')));
}

// Marks a TAB, an SP followed by a byte <= 0x20 (WSP and CR, and, fewer instructions than
// naming them, LF and control characters, which the byte-wise state machine passes on as
// data), and a byte followed by a bare LF.
inline __m128i relaxed_specials(const char* q) {
  const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
  __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 1));
  __m128i b_low = _mm_cmpeq_epi8(_mm_min_epu8(b, sp), b);
  return _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(a, tab), _mm_and_si128(_mm_cmpeq_epi8(a, sp), b_low)),
      before_bare_lf(a, b));
}

// A superset of relaxed_specials() in fewer instructions: a TAB, a pair whose larger byte is
// SP, or a byte followed by a bare LF. Besides every special, that marks a control byte (in
// text: an LF) followed by SP, as at a line that starts with a space; the exact test then
// looks again.
inline __m128i relaxed_candidates(const char* q) {
  const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
  __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 1));
  return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, tab), _mm_cmpeq_epi8(_mm_max_epu8(a, b), sp)),
                      before_bare_lf(a, b));
}

inline __m128i any_of_64(__m128i (*test)(const char*), const char* q) {
  return _mm_or_si128(_mm_or_si128(test(q), test(q + 16)),
                      _mm_or_si128(test(q + 32), test(q + 48)));
}

// Skips 64-byte blocks free of relaxed_specials(); returns where one may be found. Specials
// are rare in text: one branch per 64 bytes, the caller finds the exact byte after a hit.
const char* skip_clean_blocks(const char* q, const char* limit) {
  while (limit - q >= 64) {
    if (_mm_movemask_epi8(any_of_64(relaxed_candidates, q)) != 0 &&
        _mm_movemask_epi8(any_of_64(relaxed_specials, q)) != 0) {
      break;
    }
    q += 64;
  }
  return q;
}
#endif

#ifdef SENDERAUTH_AVX2_DISPATCH
// The same with 32-byte registers (half the instructions), on CPUs that have them.
[[gnu::target("avx2"), gnu::always_inline]] inline __m256i before_bare_lf_avx2(__m256i a,
                                                                               __m256i b) {
  return _mm256_andnot_si256(_mm256_cmpeq_epi8(a, _mm256_set1_epi8('\r')),
                             _mm256_cmpeq_epi8(b, _mm256_set1_epi8('\n')));
}

[[gnu::target("avx2"), gnu::always_inline]] inline __m256i relaxed_specials_avx2(const char* q) {
  const __m256i sp = _mm256_set1_epi8(' '), tab = _mm256_set1_epi8('\t');
  __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 1));
  __m256i b_low = _mm256_cmpeq_epi8(_mm256_min_epu8(b, sp), b);
  return _mm256_or_si256(
      _mm256_or_si256(_mm256_cmpeq_epi8(a, tab), _mm256_and_si256(_mm256_cmpeq_epi8(a, sp), b_low)),
      before_bare_lf_avx2(a, b));
}

[[gnu::target("avx2"), gnu::always_inline]] inline __m256i relaxed_candidates_avx2(const char* q) {
  const __m256i sp = _mm256_set1_epi8(' '), tab = _mm256_set1_epi8('\t');
  __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 1));
  return _mm256_or_si256(
      _mm256_or_si256(_mm256_cmpeq_epi8(a, tab), _mm256_cmpeq_epi8(_mm256_max_epu8(a, b), sp)),
      before_bare_lf_avx2(a, b));
}

[[gnu::target("avx2")]] const char* skip_clean_blocks_avx2(const char* q, const char* limit) {
  while (limit - q >= 64) {
    __m256i any = _mm256_or_si256(relaxed_candidates_avx2(q), relaxed_candidates_avx2(q + 32));
    if (!_mm256_testz_si256(any, any)) {
      __m256i exact = _mm256_or_si256(relaxed_specials_avx2(q), relaxed_specials_avx2(q + 32));
      if (!_mm256_testz_si256(exact, exact)) break;
    }
    q += 64;
  }
  return q;
}
#endif

// Called with no CR pending before `p`, so an LF at `p` is a bare one.
std::size_t relaxed_clean_prefix(const char* p, const char* end) {
  if (end - p < 2 || *p == '\n') return 0;
  const char* limit =
      end - p > static_cast<std::ptrdiff_t>(kRelaxedScan) ? p + kRelaxedScan : end - 1;
  const char* q = p;
#ifdef __SSE2__
#ifdef SENDERAUTH_AVX2_DISPATCH
  q = cpu_has_avx2() ? skip_clean_blocks_avx2(q, limit) : skip_clean_blocks(q, limit);
#else
  q = skip_clean_blocks(q, limit);
#endif
  while (limit - q >= 16) {
    int mask = _mm_movemask_epi8(relaxed_specials(q));
    if (mask != 0) return back_off_line_ends(p, (q - p) + __builtin_ctz(mask));
    q += 16;
  }
#endif
  for (; q < limit; ++q) {
    char a = q[0], b = q[1];
    if (a == '\t' || (a == ' ' && (b == ' ' || b == '\t' || b == '\r')) ||
        (b == '\n' && a != '\r')) {
      break;
    }
  }
  return back_off_line_ends(p, q - p);
}

// Where a run of header value bytes that relaxed canonicalisation keeps as they are, starting
// at `i`, may end: at a TAB, CR or LF, or at an SP followed by WSP, CR, LF or the end (the SP
// between two words stays). SSE2 also stops at other control bytes, which the caller then
// keeps as ordinary bytes. Words and their single spaces are appended in one piece.
std::size_t header_clean_run_end(std::string_view raw, std::size_t i) {
#ifdef __SSE2__
  const __m128i sp = _mm_set1_epi8(' ');
  while (raw.size() - i >= 17) {  // 16 bytes and the one after them
    const char* q = raw.data() + i;
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 1));
    const __m128i a_sp = _mm_cmpeq_epi8(a, sp);
    const __m128i a_low = _mm_cmpeq_epi8(_mm_min_epu8(a, sp), a);  // a <= SP
    const __m128i b_low = _mm_cmpeq_epi8(_mm_min_epu8(b, sp), b);
    const __m128i stop = _mm_or_si128(_mm_andnot_si128(a_sp, a_low), _mm_and_si128(a_sp, b_low));
    if (const int mask = _mm_movemask_epi8(stop); mask != 0) {
      return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
    i += 16;
  }
#endif
  for (; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == ' ' ? i + 1 == raw.size() || is_fws_char(raw[i + 1]) : is_fws_char(c)) return i;
  }
  return i;
}

}  // namespace

void canonicalize_header(Canonicalization canon, std::string_view raw, std::string& out) {
  if (canon == Canonicalization::simple) {
    out.append(raw);
    if (!raw.ends_with("\r\n")) out.append("\r\n");
    return;
  }
  // relaxed (RFC 6376 3.4.2): lower-case name, unfold, WSP runs to one SP, no WSP at the end
  // of the value nor around the colon.
  auto colon = raw.find(':');
  std::string_view name = raw.substr(0, colon);
  while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
  const std::size_t name_at = out.size();
  out.append(name);
  for (std::size_t k = name_at; k < out.size(); ++k) out[k] = lower(out[k]);
  out.push_back(':');
  if (colon == std::string_view::npos) {
    out.append("\r\n");
    return;
  }
  bool pending_space = false;
  bool started = false;
  std::size_t i = colon + 1;
  while (i < raw.size()) {
    char c = raw[i];
    if (c == '\n' || (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n')) {
      ++i;  // unfolding (and the final CRLF); a bare CR is data (RFC 5322 obs-unstruct)
    } else if (is_wsp(c)) {
      pending_space = started;
      ++i;
    } else {
      // Bytes up to where the next change may be are kept as they are: append them in one go.
      const std::size_t run = header_clean_run_end(raw, i + 1);
      if (pending_space) out.push_back(' ');
      pending_space = false;
      started = true;
      out.append(raw.substr(i, run - i));
      i = run;
    }
  }
  out.append("\r\n");
}

BodyCanonicalizer::BodyCanonicalizer(Canonicalization canon, Output out,
                                     std::optional<std::uint64_t> limit)
    : canon_(canon), out_(std::move(out)), limit_(limit) {}  // buffer_ grows only if used

void BodyCanonicalizer::emit(std::string_view bytes) {
  std::uint64_t start = length_;
  length_ += bytes.size();
  if (limit_) {
    if (start >= *limit_) return;
    if (length_ > *limit_) bytes = bytes.substr(0, *limit_ - start);
  }
  if (bytes.size() >= kDirectSpan) {
    flush_buffer();
    out_(bytes);
    return;
  }
  if (buffer_.size() + bytes.size() > kBufferSize) flush_buffer();
  buffer_.append(bytes);
}

void BodyCanonicalizer::flush_buffer() {
  if (!buffer_.empty()) out_(buffer_);
  buffer_.clear();
}

// Before data: the held-back CRLFs were not trailing after all, and (relaxed) a WSP run
// inside a line becomes one SP.
void BodyCanonicalizer::flush_pending() {
  static constexpr std::string_view kCrlfs =
      "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n";
  while (crlfs_ > 0) {
    std::uint64_t n = std::min<std::uint64_t>(crlfs_, kCrlfs.size() / 2);
    emit(kCrlfs.substr(0, n * 2));
    crlfs_ -= n;
  }
  if (wsp_) {
    emit(" ");
    wsp_ = false;
  }
  any_ = true;
}

void BodyCanonicalizer::update_simple(const char* p, const char* end) {
  while (p < end) {
    // Line ends held back and followed by data were not trailing: out with them, so that the
    // fast path takes the next line too (in LF-only text every line end comes this way).
    if (!cr_ && crlfs_ > 0 && *p != '\r' && *p != '\n') flush_pending();
    if (!cr_ && crlfs_ == 0) {
      std::size_t n = simple_clean_prefix(p, end);
      if (n > 0) {
        emit(std::string_view(p, n));
        any_ = true;
        p += n;
        if (p == end) break;
      }
    }
    if (cr_) {
      cr_ = false;
      if (*p == '\n') {
        ++crlfs_;
        ++p;
        continue;
      }
      flush_pending();
      emit("\r");
    }
    if (*p == '\n') {  // a bare LF ends a line as CRLF does
      ++crlfs_;
      ++p;
      continue;
    }
    const char* stop = p;
    while (stop < end && *stop != '\r' && *stop != '\n') ++stop;
    if (stop > p) {
      flush_pending();
      emit(std::string_view(p, stop - p));
      p = stop;
      continue;  // neutral again: the fast path may take over at the line end
    }
    cr_ = true;
    ++p;
  }
}

void BodyCanonicalizer::update_relaxed(const char* p, const char* end) {
  while (p < end) {
    // As in update_simple(): data after held-back line ends (white space may yet turn out to
    // be a blank line, so it goes the byte-wise way).
    if (!cr_ && !wsp_ && crlfs_ > 0 && !kRelaxedSpecial[static_cast<unsigned char>(*p)]) {
      flush_pending();
    }
    if (!cr_ && !wsp_ && crlfs_ == 0) {
      std::size_t n = relaxed_clean_prefix(p, end);
      // The prefix stops before the byte ahead of a bare LF; that byte is kept as it is when
      // it is data, so it goes along.
      const auto rest = static_cast<std::size_t>(end - p);
      if (n + 1 < rest && p[n + 1] == '\n' && !kRelaxedSpecial[static_cast<unsigned char>(p[n])]) {
        ++n;
      }
      if (n > 0) {
        emit(std::string_view(p, n));
        any_ = true;
        p += n;
        if (p == end) break;
      }
    }
    char c = *p;
    if (cr_) {
      cr_ = false;
      if (c == '\n') {
        wsp_ = false;  // whitespace at the end of a line is dropped
        ++crlfs_;
        ++p;
        continue;
      }
      flush_pending();
      emit("\r");
    }
    if (is_wsp(c)) {
      wsp_ = true;
      ++p;
      continue;
    }
    if (c == '\r') {
      cr_ = true;
      ++p;
      continue;
    }
    if (c == '\n') {  // a bare LF ends a line as CRLF does
      wsp_ = false;
      ++crlfs_;
      ++p;
      continue;
    }
    const char* q = p + 1;
    while (q < end && !kRelaxedSpecial[static_cast<unsigned char>(*q)]) ++q;
    flush_pending();
    emit(std::string_view(p, q - p));
    p = q;
  }
}

void BodyCanonicalizer::update(std::string_view bytes) {
  if (canon_ == Canonicalization::simple) {
    update_simple(bytes.data(), bytes.data() + bytes.size());
  } else {
    update_relaxed(bytes.data(), bytes.data() + bytes.size());
  }
}

void BodyCanonicalizer::finish() {
  if (cr_) {
    cr_ = false;
    flush_pending();
    emit("\r");
  }
  wsp_ = false;
  // The last line with content ends in exactly one CRLF, whether or not it had one; a simple
  // body with no content at all is a single CRLF, a relaxed one is empty (RFC 6376 3.4.3-4).
  if (any_ || canon_ == Canonicalization::simple) emit("\r\n");
  crlfs_ = 0;
  flush_buffer();
}

BodyHasher::BodyHasher(Canonicalization canon, HashAlgorithm hash,
                       std::optional<std::uint64_t> limit)
    : hasher_(hash),
      canon_(
          canon, [this](std::string_view b) { hasher_.update(b); }, limit) {}

std::string BodyHasher::finish() {
  canon_.finish();
  return hasher_.finish();
}

namespace {

// Field names compared as HeaderField::is() compares them: ASCII case-insensitive.
struct FieldNameHash {
  std::size_t operator()(std::string_view name) const noexcept {
    std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a
    for (const char c : name) {
      hash ^= static_cast<unsigned char>(lower(c));
      hash *= 1099511628211ULL;
    }
    return static_cast<std::size_t>(hash);
  }
};
struct FieldNameEqual {
  bool operator()(std::string_view a, std::string_view b) const noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
  }
};

// Up to this many (h= entry, header field) pairs the fields are scanned for each entry: a
// typical signature (a dozen names, a few dozen fields) is cheaper scanned than indexed.
constexpr std::size_t kScanPairs = 4096;

}  // namespace

std::string header_hash_input(Canonicalization canon, const message::HeaderList& headers,
                              const std::vector<std::string>& names,
                              std::string_view signature_field) {
  std::string out;
  out.reserve(signature_field.size() + 1024);  // typical signed fields: one allocation
  // RFC 6376 5.4.2: each listing of a name takes the bottom-most instance not taken yet (the
  // next listing of the name takes the one above it); a name listed more often than present
  // contributes nothing (oversigning).
  if (names.size() * headers.size() <= kScanPairs) {
    // Fields already taken. Bytes, not vector<bool>'s bits, and tested after the name, which
    // settles most.
    std::vector<unsigned char> used(headers.size(), 0);
    for (const auto& name : names) {
      for (std::size_t i = headers.size(); i-- > 0;) {
        if (headers[i].is(name) && used[i] == 0) {
          used[i] = 1;
          canonicalize_header(canon, headers[i].raw(), out);
          break;
        }
      }
    }
  } else {
    // A long h= list (thousands of entries fit in a field) over a long header section: the
    // instances of each listed name are indexed once, top to bottom, and each listing takes the
    // last one left, so the cost is the list plus the section, not their product.
    std::unordered_map<std::string_view, std::vector<std::size_t>, FieldNameHash, FieldNameEqual>
        instances;
    for (const auto& name : names) instances.try_emplace(name);
    for (std::size_t i = 0; i < headers.size(); ++i) {
      auto listed = instances.find(headers[i].name());
      if (listed != instances.end()) listed->second.push_back(i);
    }
    for (const auto& name : names) {
      std::vector<std::size_t>& left = instances.find(name)->second;
      if (left.empty()) continue;
      canonicalize_header(canon, headers[left.back()].raw(), out);
      left.pop_back();
    }
  }
  std::size_t before = out.size();
  canonicalize_header(canon, signature_field, out);
  if (out.size() >= before + 2) out.resize(out.size() - 2);  // no CRLF after the signature
  return out;
}

}  // namespace senderauth::dkim
