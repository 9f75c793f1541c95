# Just enough of nixpkgs' `lib` to evaluate ../module.nix offline (no nixpkgs, no store):
# the functions it calls, with the same results for the values it passes, and option
# types that can check a value so the harness catches a wrongly typed setting.
let
  type = name: check: { inherit name check; };
  isPackage = x: builtins.isString x || builtins.isPath x || (builtins.isAttrs x && x ? outPath);
in
rec {
  types = {
    bool = type "bool" builtins.isBool;
    str = type "str" builtins.isString;
    int = type "int" builtins.isInt;
    attrs = type "attrs" builtins.isAttrs;
    package = type "package" isPackage;
    listOf = elem: type "listOf ${elem.name}" (xs: builtins.isList xs && builtins.all elem.check xs);
    nullOr = elem: type "nullOr ${elem.name}" (x: x == null || elem.check x);
  };

  mkOption = attrs: attrs;
  mkEnableOption = name: mkOption {
    type = types.bool;
    default = false;
    description = "Whether to enable ${name}.";
  };
  literalExpression = text: { _type = "literalExpression"; inherit text; };

  # NixOS merges a mkIf later; with one module there is nothing to merge, so decide now.
  mkIf = condition: content: if condition then content else { };
  optionalAttrs = condition: attrs: if condition then attrs else { };

  inherit (builtins) filter attrValues;
  foldl' = builtins.foldl';
  concatStringsSep = builtins.concatStringsSep;
  makeBinPath = packages: concatStringsSep ":" (map (p: "${p}/bin") packages);
}
