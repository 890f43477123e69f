// palermo: the server and its administration commands. `palermo --help` lists them; each area's
// commands are in their own file (src/cli/*_cmd.cpp), wired here.
#include "cli/commands.hpp"
#include "core/random.hpp"

int main(int argc, char** argv) {
  palermo::sodiumInit();
  CLI::App app{"Palermo: national information system against trafficking in human beings"};
  app.require_subcommand(1);
  app.set_version_flag("--version", PALERMO_VERSION);
  palermo::cli::Commands commands(app);
  palermo::cli::addServeCommands(commands);
  palermo::cli::addAdminCommands(commands);
  palermo::cli::addDataCommands(commands);
  palermo::cli::addReportCommands(commands);
  palermo::cli::addLinkCommands(commands);
  return commands.run(argc, argv);
}
