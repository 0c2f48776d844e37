// The C++ wrapper as a C++ HIS uses it: RAII engine, exceptions with the
// status and error JSON, moves, shared use from threads.
// Closing line: "cpp-abi: N passed, M failed".
#include "yibao.hpp"
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

static int passed = 0, failed = 0;
#define CHECK(c, what) do { if (c) passed++; else { failed++; std::fprintf(stderr, "FAIL %d: %s\n", __LINE__, what); } } while (0)

static std::string slurp(const std::string &p) {
    std::ifstream f(p.c_str());
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

int main(int argc, char **argv) {
    std::string root = argc > 1 ? argv[1] : ".";
    std::string claim = slurp(root + "/examples/claims/taiyuan-admission.json");
    CHECK(!claim.empty(), "example claim");
    yibao::Engine e = yibao::Engine::builtin("cn-sx-taiyuan-resident-2010");
    std::string s = e.settle(claim);
    CHECK(s.find("\"hifp_pay\":\"4114.50\"") != std::string::npos, "4114.50 paid");
    std::string r = e.reverse(s);
    CHECK(r.find("\"status\":\"reversed\"") != std::string::npos, "reversed");

    try {
        e.settle("{\"psn\":{}}");
        CHECK(false, "an invalid claim throws");
    } catch (const yibao::Error &err) {
        CHECK(err.status() == YIBAO_STATUS_INVALID_CLAIM, "status INVALID_CLAIM");
        CHECK(err.json().find("\"path\"") != std::string::npos, "error JSON has a path");
    }
    try {
        yibao::Engine::builtin("no-such-pack");
        CHECK(false, "an unknown pack throws");
    } catch (const yibao::Error &err) {
        CHECK(err.status() == YIBAO_STATUS_UNKNOWN_POLICY, "UNKNOWN_POLICY");
        CHECK(err.json().find("UNKNOWN_POLICY") != std::string::npos, "error JSON from the last error");
    }
    yibao::Engine moved = yibao::Engine::from_file(root + "/examples/policies/taiyuan-chronic-deductible.json");
    yibao::Engine target = std::move(moved);
    CHECK(moved.handle() == NULL && target.handle() != NULL, "move transfers the handle");

    std::vector<std::thread> ts;
    std::vector<int> same(4, 0);
    for (int t = 0; t < 4; t++)
        ts.push_back(std::thread([&, t] { for (int i = 0; i < 50; i++) same[t] += e.settle(claim) == s; }));
    for (size_t t = 0; t < ts.size(); t++) ts[t].join();
    for (int t = 0; t < 4; t++) CHECK(same[t] == 50, "threads agree with the single-threaded result");
    CHECK(yibao::policies().find("cn-sx-taiyuan-employee") != std::string::npos, "policies");
    CHECK(!yibao::version().empty(), "version");
    std::printf("cpp-abi: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
