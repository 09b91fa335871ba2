// A value or a reason: the one error type used across module borders.
// C++20 has no std::expected; this is the small subset the project needs.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace senderauth {

// Why something failed, in words fit for a log line or an A-R comment.
struct Error {
  std::string reason;
};

inline Error make_error(std::string reason) { return Error{std::move(reason)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T value_or(T fallback) const& { return ok() ? std::get<0>(state_) : std::move(fallback); }

  const Error& error() const& {
    assert(!ok());
    return std::get<1>(state_);
  }
  const std::string& reason() const& { return error().reason; }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const& {
    assert(failed_);
    return error_;
  }
  const std::string& reason() const& { return error().reason; }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace senderauth
