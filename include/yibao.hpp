/* yibao.hpp - a header-only C++ (C++11) RAII wrapper over yibao.h.
 *
 *   yibao::Engine e = yibao::Engine::builtin("cn-sx-taiyuan-resident-2010");
 *   std::string settlement = e.settle(claim_json);   // throws yibao::Error
 *
 * yibao::Engine owns a handle and frees it once; it is movable, not copyable,
 * and may be shared by reference between threads (the engine is immutable).
 * Errors throw yibao::Error carrying the status and the error JSON. */
#ifndef YIBAO_HPP
#define YIBAO_HPP

#include "yibao.h"
#include <stdexcept>
#include <string>

namespace yibao {

/* A failed call: the status and the contract's error JSON {"code","path","message"}. */
class Error : public std::runtime_error {
public:
    Error(yibao_status status, const std::string &json)
        : std::runtime_error(std::string(yibao_status_name(status)) + ": " + json), status_(status), json_(json) {}
    yibao_status status() const { return status_; }
    const std::string &json() const { return json_; }

private:
    yibao_status status_;
    std::string json_;
};

namespace detail {
/* Takes ownership of a library string and turns a failure into an Error. */
inline std::string take(yibao_status st, char *out) {
    std::string s = out ? std::string(out) : std::string();
    yibao_free_string(out);
    if (st != YIBAO_STATUS_OK) throw Error(st, s);
    return s;
}
inline const uint8_t *bytes(const std::string &s) { return reinterpret_cast<const uint8_t *>(s.data()); }
inline void check(yibao_status st) {
    if (st != YIBAO_STATUS_OK) {
        size_t needed = 0;
        std::string json;
        if (yibao_last_error(NULL, 0, &needed) == YIBAO_STATUS_BUFFER_TOO_SMALL && needed > 0) {
            json.resize(needed);
            yibao_last_error(reinterpret_cast<uint8_t *>(&json[0]), needed, &needed);
            json.resize(needed - 1);
        }
        throw Error(st, json);
    }
}
} // namespace detail

/* An immutable loaded policy. */
class Engine {
public:
    static Engine builtin(const std::string &id) {
        yibao_engine *e = NULL;
        detail::check(yibao_engine_new_builtin(detail::bytes(id), id.size(), &e));
        return Engine(e);
    }
    static Engine from_json(const std::string &policy) {
        yibao_engine *e = NULL;
        detail::check(yibao_engine_new_json(detail::bytes(policy), policy.size(), &e));
        return Engine(e);
    }
    static Engine from_file(const std::string &path) {
        yibao_engine *e = NULL;
        detail::check(yibao_engine_new_file(detail::bytes(path), path.size(), &e));
        return Engine(e);
    }
    ~Engine() { if (e_) yibao_engine_free(e_); }
#if __cplusplus >= 201103L
    Engine(Engine &&o) : e_(o.e_) { o.e_ = NULL; }
    Engine &operator=(Engine &&o) {
        if (this != &o) { if (e_) yibao_engine_free(e_); e_ = o.e_; o.e_ = NULL; }
        return *this;
    }
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;
#endif
    /* Settles a claim (UTF-8 JSON); returns the settlement JSON. */
    std::string settle(const std::string &claim) const {
        char *out = NULL;
        yibao_status st = yibao_settle(e_, detail::bytes(claim), claim.size(), &out, NULL);
        return detail::take(st, out);
    }
    /* Settles a claim in GBK/GB18030; returns GB18030. */
    std::string settle_gbk(const std::string &claim) const {
        char *out = NULL;
        yibao_status st = yibao_settle_gbk(e_, detail::bytes(claim), claim.size(), &out, NULL);
        return detail::take(st, out);
    }
    /* Reverses a settlement; `ytd` (optional) is the member's current accumulators. */
    std::string reverse(const std::string &settlement, const std::string &ytd = std::string()) const {
        char *out = NULL;
        yibao_status st = yibao_reverse(e_, detail::bytes(settlement), settlement.size(),
                                        ytd.empty() ? NULL : detail::bytes(ytd), ytd.size(), &out, NULL);
        return detail::take(st, out);
    }
    const yibao_engine *handle() const { return e_; }

private:
    explicit Engine(yibao_engine *e) : e_(e) {}
    yibao_engine *e_;
};

/* The built-in packs (JSON). */
inline std::string policies() {
    char *out = NULL;
    yibao_status st = yibao_policies(&out, NULL);
    return detail::take(st, out);
}

inline std::string version() { return yibao_version(); }

} // namespace yibao

#endif /* YIBAO_HPP */
