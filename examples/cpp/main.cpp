// Settles a claim file with the C++ wrapper and prints the settlement.
// Build: cmake -S . -B build -DCMAKE_PREFIX_PATH=<prefix of scripts/install-lib> && cmake --build build
#include "yibao.hpp"
#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char **argv) {
    if (argc < 3) {
        std::cerr << "usage: " << argv[0] << " POLICY CLAIM.json\n";
        return 2;
    }
    std::ifstream f(argv[2]);
    std::stringstream claim;
    claim << f.rdbuf();
    try {
        yibao::Engine engine = yibao::Engine::builtin(argv[1]);
        std::cout << engine.settle(claim.str()) << "\n";
    } catch (const yibao::Error &e) {
        std::cerr << e.json() << "\n";
        return 1;
    }
    return 0;
}
