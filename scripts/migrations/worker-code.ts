import { existsSync } from "node:fs";
import { relative } from "node:path";
import ts from "typescript";

export type WorkerCode = {
  /** Names the entry module exports as runtime values: what workerd can instantiate. */
  exported: Set<string>;
  /** Class name → file, over every project file the entry reaches. */
  declaredClasses: Map<string, string>;
};

/**
 * Reads the Worker's exports as the bundle will have them: re-exports and `export *` are followed
 * through the project's modules, and type-only exports do not count.
 */
export function readWorkerCode(entry: string, root: string): WorkerCode {
  if (!existsSync(entry)) {
    throw new Error(
      `"main" points at ${relative(root, entry)}, which does not exist`,
    );
  }
  const options: ts.CompilerOptions = {
    allowJs: true,
    noEmit: true,
    // Export names need no standard library; skipping it saves most of the parse time.
    noLib: true,
    types: [],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const host = ts.createCompilerHost(options);
  // Durable Object classes live in the project: following only relative imports keeps
  // packages' type trees (seconds of parsing) out. A name re-exported from a package still counts.
  host.resolveModuleNameLiterals = (literals, containingFile) =>
    literals.map((literal) =>
      literal.text.startsWith(".")
        ? ts.resolveModuleName(literal.text, containingFile, options, host)
        : { resolvedModule: undefined },
    );
  const program = ts.createProgram([entry], options, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  const exported = new Set<string>();
  for (const symbol of moduleSymbol
    ? checker.getExportsOfModule(moduleSymbol)
    : []) {
    if (
      symbol.declarations?.some((d) =>
        ts.isTypeOnlyImportOrExportDeclaration(d),
      )
    )
      continue;
    const target =
      symbol.flags & ts.SymbolFlags.Alias
        ? checker.getAliasedSymbol(symbol)
        : symbol;
    // A name re-exported from a package is not followed, but it exists at runtime.
    const unresolved = !target.declarations?.length;
    if (unresolved || target.flags & ts.SymbolFlags.Value)
      exported.add(symbol.name);
  }
  const declaredClasses = new Map<string, string>();
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || file.fileName.includes("/node_modules/"))
      continue;
    for (const statement of file.statements) {
      if (ts.isClassDeclaration(statement) && statement.name) {
        declaredClasses.set(statement.name.text, relative(root, file.fileName));
      }
    }
  }
  return { exported, declaredClasses };
}
