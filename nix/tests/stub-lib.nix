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

  # Tagged, so the harness tells an option from a set of options (services.canon-sweep.metrics).
  mkOption = attrs: attrs // { _isOption = true; };
  mkEnableOption = name: mkOption {
    type = types.bool;
    default = false;
    description = "Whether to enable ${name}.";
  };
  literalExpression = text: { _type = "literalExpression"; inherit text; };

  # NixOS merges a mkIf later; with one module there is nothing to merge, so decide now.
  mkIf = condition: content: if condition then content else { };
  optionalAttrs = condition: attrs: if condition then attrs else { };

  optionals = condition: list: if condition then list else [ ];
  removePrefix = prefix: str:
    let n = builtins.stringLength prefix;
    in if builtins.substring 0 n str == prefix
    then builtins.substring n (builtins.stringLength str - n) str else str;

  inherit (builtins) filter attrValues;
  foldl' = builtins.foldl';
  concatStringsSep = builtins.concatStringsSep;
  makeBinPath = packages: concatStringsSep ":" (map (p: "${p}/bin") packages);
}
