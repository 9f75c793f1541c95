# Evaluates ../module.nix with the stub lib for the settings in a JSON file, and returns
# the unit fields it renders. Run by packages/timer-units/src/nix-module.slow.test.ts:
#   nix-instantiate --eval --strict --json nix/tests/eval-module.nix --argstr fixture FILE
# FILE: { bash, git } (stand-ins for pkgs) plus any services.canon-sweep options
# (packages are directory paths standing in for store paths).
{ fixture }:
let
  input = builtins.fromJSON (builtins.readFile fixture);
  lib = import ./stub-lib.nix;
  pkgs = {
    inherit (input) bash git;
    callPackage = _: _: throw "the harness passes services.canon-sweep.package explicitly";
    formats.json = _: { type = lib.types.attrs; };
  };
  module = import ../module.nix { inherit config lib pkgs; };
  options = module.options.services.canon-sweep;
  # Options the fixture leaves out take their defaults.
  given = { enable = true; } // builtins.removeAttrs input [ "bash" "git" ];
  cfg = builtins.mapAttrs
    (name: option:
      let value = given.${name} or option.default;
      in if option.type.check value then value
      else throw "services.canon-sweep.${name} is not a ${option.type.name}")
    options;
  config.services.canon-sweep = cfg;
  out = module.config;
  service = out.systemd.services.canon-sweep;
in
{
  service = {
    inherit (service) description wants after restartIfChanged serviceConfig;
    pathBin = lib.makeBinPath service.path;
  };
  timer = out.systemd.timers.canon-sweep;
  tmpfiles = out.systemd.tmpfiles.rules;
  configJson = out.environment.etc."canon/config.json".text;
  users = builtins.attrNames out.users.users;
}
