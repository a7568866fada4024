#include "skybill/app/cli.hpp"

int main(int argc, char** argv) {
  return skybill::app::run_cli(std::vector<std::string>(argv + 1, argv + argc));
}
