#include "coordinator/store/pg.h"

#include <vector>

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>

namespace strata::coordinator {

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

PgResult::~PgResult() {
  if (result_ != nullptr) PQclear(result_);
}

int PgResult::status() const { return PQresultStatus(result_); }
int PgResult::rows() const { return PQntuples(result_); }
bool PgResult::null(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
std::string_view PgResult::get(int row, int column) const {
  return {PQgetvalue(result_, row, column), static_cast<std::size_t>(PQgetlength(result_, row, column))};
}
std::optional<std::string> PgResult::optional(int row, int column) const {
  if (null(row, column)) return std::nullopt;
  return std::string(get(row, column));
}
std::int64_t PgResult::integer(int row, int column) const {
  const std::string_view v = get(row, column);
  std::int64_t out = 0;
  std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}
std::int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(result_);
  std::int64_t out = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), out);
  return out;
}

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& url) {
  // Bounded waits unless the URL says otherwise: a PostgreSQL that does not answer, or a
  // statement that never ends, must not hold a coordinator thread for ever (issue 14, defect 6).
  // sslmode and the rest come from the URL as libpq reads it.
  std::vector<const char*> keys = {"dbname"};
  std::vector<const char*> values = {url.c_str()};
  if (url.find("connect_timeout") == std::string::npos) {
    keys.push_back("connect_timeout");
    values.push_back("10");
  }
  if (url.find("statement_timeout") == std::string::npos && url.find("options") == std::string::npos) {
    keys.push_back("options");
    values.push_back("-c statement_timeout=120000");
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  pg_conn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (conn == nullptr) return fail(ErrorCode::kUnavailable, "PostgreSQL: cannot allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    PQfinish(conn);
    return fail(ErrorCode::kUnavailable, "PostgreSQL: " + why);
  }
  // Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

Result<std::optional<std::string>> PgConnection::wait_notification(std::chrono::milliseconds timeout) {
  auto next = [&]() -> std::optional<std::string> {
    PGnotify* n = PQnotifies(conn_);
    if (n == nullptr) return std::nullopt;
    std::string payload = n->extra;
    PQfreemem(n);
    return payload;
  };
  if (PQconsumeInput(conn_) == 0) return std::unexpected(error("waiting for a notification"));
  if (auto n = next()) return n;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  if (fd.fd < 0) return std::unexpected(error("waiting for a notification"));
  const int ready = ::poll(&fd, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return std::optional<std::string>();
  if (PQconsumeInput(conn_) == 0) return std::unexpected(error("waiting for a notification"));
  return next();
}

Error PgConnection::error(std::string_view what) const {
  std::string why = PQerrorMessage(conn_);
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  const ErrorCode code = healthy() ? ErrorCode::kInternal : ErrorCode::kUnavailable;
  return Error(code, "PostgreSQL: " + std::string(what) + ": " + why);
}

Result<PgResult> PgConnection::exec(std::string_view sql, const PgParams& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  const std::string query(sql);
  PgResult result(PQexecParams(conn_, query.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0));
  const int status = result.status();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return std::unexpected(error(query.substr(0, query.find_first_of("\n(")).substr(0, 60)));
  }
  return result;
}

Result<void> PgConnection::exec_script(std::string_view sql) {
  const std::string script(sql);
  PgResult result(PQexec(conn_, script.c_str()));
  const int status = result.status();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return std::unexpected(error("script"));
  return {};
}

Result<void> PgConnection::copy_in(std::string_view table, const std::vector<std::string>& columns,
                                   const std::vector<std::vector<PgParam>>& rows) {
  std::string sql = "COPY " + std::string(table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) sql += (i > 0 ? ", " : "") + columns[i];
  sql += ") FROM STDIN";
  {
    PgResult start(PQexec(conn_, sql.c_str()));
    if (start.status() != PGRES_COPY_IN) {
      return std::unexpected(error("COPY " + std::string(table)));
    }
  }
  // COPY's text format: tab between columns, newline after a row, \N for NULL, and backslash
  // escapes for the characters that would otherwise end a value.
  std::string buffer;
  auto flush = [&]() -> bool {
    const bool ok = PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) == 1;
    buffer.clear();
    return ok;
  };
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) buffer += '\t';
      if (!row[i]) {
        buffer += "\\N";
        continue;
      }
      for (const char c : *row[i]) {
        switch (c) {
          case '\\': buffer += "\\\\"; break;
          case '\t': buffer += "\\t"; break;
          case '\n': buffer += "\\n"; break;
          case '\r': buffer += "\\r"; break;
          default: buffer += c;
        }
      }
    }
    buffer += '\n';
    if (buffer.size() > (1u << 16) && !flush()) return std::unexpected(error("COPY data"));
  }
  if (!buffer.empty() && !flush()) return std::unexpected(error("COPY data"));
  if (PQputCopyEnd(conn_, nullptr) != 1) return std::unexpected(error("COPY end"));
  PgResult end(PQgetResult(conn_));
  const bool ok = end.status() == PGRES_COMMAND_OK;
  while (pg_result* extra = PQgetResult(conn_)) PQclear(extra);
  if (!ok) return std::unexpected(error("COPY " + std::string(table)));
  return {};
}

PgPool::Lease::~Lease() {
  if (conn_) pool_->release(std::move(conn_));
}

Result<PgPool::Lease> PgPool::acquire() {
  std::unique_lock lock(mutex_);
  // Every connection busy for this long means the database is stuck or the pool too small:
  // the caller gets an error it can retry, not a thread parked for ever.
  if (!freed_.wait_for(lock, kAcquireTimeout, [&] { return !idle_.empty() || out_ < size_; })) {
    return fail(ErrorCode::kUnavailable, "PostgreSQL: no pooled connection came free within " +
                                             std::to_string(kAcquireTimeout.count()) + " s");
  }
  std::unique_ptr<PgConnection> conn;
  if (!idle_.empty()) {
    conn = std::move(idle_.back());
    idle_.pop_back();
  }
  ++out_;
  lock.unlock();
  if (!conn || !conn->healthy()) {
    auto fresh = PgConnection::connect(url_);
    if (!fresh) {
      std::lock_guard relock(mutex_);
      --out_;
      freed_.notify_one();
      return std::unexpected(fresh.error());
    }
    conn = std::move(*fresh);
  }
  return Lease(*this, std::move(conn));
}

void PgPool::release(std::unique_ptr<PgConnection> conn) {
  std::lock_guard lock(mutex_);
  --out_;
  if (conn->healthy()) idle_.push_back(std::move(conn));
  freed_.notify_one();
}

}  // namespace strata::coordinator
