#include "senderauth/core/line_ends.hpp"

#include "senderauth/core/cpu_features.hpp"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SENDERAUTH_AVX2_DISPATCH 1
#endif

namespace senderauth {

namespace {

#ifdef __SSE2__
// LFs at `at`..`at`+15 not preceded by CR.
inline __m128i bare_lfs(const char* at) {
  const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  __m128i cur = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  __m128i prev = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at - 1));
  return _mm_andnot_si128(_mm_cmpeq_epi8(prev, cr), _mm_cmpeq_epi8(cur, lf));
}

// Skips 64-byte blocks without a bare LF; returns where one may be found. One test per 64
// bytes: a branch per 16 bytes costs as much as the comparisons.
const char* skip_crlf_blocks(const char* q, const char* end) {
  for (; end - q >= 64; q += 64) {
    __m128i any = _mm_or_si128(_mm_or_si128(bare_lfs(q), bare_lfs(q + 16)),
                               _mm_or_si128(bare_lfs(q + 32), bare_lfs(q + 48)));
    if (_mm_movemask_epi8(any) != 0) break;
  }
  return q;
}
#endif

#ifdef SENDERAUTH_AVX2_DISPATCH
// The same with 32-byte registers (half the instructions), on CPUs that have them.
[[gnu::target("avx2"), gnu::always_inline]] inline __m256i bare_lfs_avx2(const char* at) {
  const __m256i lf = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r');
  __m256i cur = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at));
  __m256i prev = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at - 1));
  return _mm256_andnot_si256(_mm256_cmpeq_epi8(prev, cr), _mm256_cmpeq_epi8(cur, lf));
}

[[gnu::target("avx2")]] const char* skip_crlf_blocks_avx2(const char* q, const char* end) {
  for (; end - q >= 64; q += 64) {
    __m256i any = _mm256_or_si256(bare_lfs_avx2(q), bare_lfs_avx2(q + 32));
    if (!_mm256_testz_si256(any, any)) break;
  }
  return q;
}
#endif

}  // namespace

std::size_t find_bare_lf(std::string_view bytes, bool cr_before) {
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  if (p == end) return std::string_view::npos;
  if (*p == '\n' && !cr_before) return 0;
  // From here on every byte has its predecessor inside `bytes`.
  const char* q = p + 1;
#ifdef __SSE2__
#ifdef SENDERAUTH_AVX2_DISPATCH
  q = cpu_has_avx2() ? skip_crlf_blocks_avx2(q, end) : skip_crlf_blocks(q, end);
#else
  q = skip_crlf_blocks(q, end);
#endif
  for (; end - q >= 16; q += 16) {
    if (const int mask = _mm_movemask_epi8(bare_lfs(q)); mask != 0) {
      return static_cast<std::size_t>(q - p) +
             static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
  }
#endif
  for (; q < end; ++q) {
    if (*q == '\n' && q[-1] != '\r') return static_cast<std::size_t>(q - p);
  }
  return std::string_view::npos;
}

}  // namespace senderauth
