// Handlers tried on an I/O thread (a route's `try_on_io_thread`, http/router.hpp): a read that
// needs nothing but local memory and the SQLite file is answered where the request was read,
// without the hop to a worker and back (GET by id: 1.25-1.4x the requests per second). Anything
// that would block there - a write (it waits for a group commit), a read over the network
// (PostgreSQL), password hashing - calls mayBlock() first, which throws MustBlock while the
// thread tries a handler inline; the server then runs the handler again, from the start, on a
// worker. Nothing has been written by then (every write checks first), so running it again is
// safe.
#pragma once

namespace palermo {

// Deliberately not a std::exception: no handler's `catch (const std::exception&)` may take it
// for a failure.
struct MustBlock {};

namespace detail {
inline thread_local bool trying_inline = false;
}  // namespace detail

// True while this thread tries a handler on an I/O thread.
[[nodiscard]] inline bool tryingInline() noexcept { return detail::trying_inline; }

// Call before anything that blocks: throws MustBlock when the thread may not block.
inline void mayBlock() {
  if (detail::trying_inline) throw MustBlock{};
}

// Marks the thread as trying a handler inline for the scope's lifetime.
class InlineAttempt {
 public:
  InlineAttempt() noexcept : was_(detail::trying_inline) { detail::trying_inline = true; }
  ~InlineAttempt() { detail::trying_inline = was_; }
  InlineAttempt(const InlineAttempt&) = delete;
  InlineAttempt& operator=(const InlineAttempt&) = delete;

 private:
  bool was_;
};

}  // namespace palermo
