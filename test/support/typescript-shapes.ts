/**
 * Reads the shapes of TypeScript declarations with the compiler API, so tests can compare what the
 * code declares (interfaces, a resource class's outputs, `as const` arrays) with hand-written
 * artefacts such as schema.json. Only declarations are read: the files need not compile or load.
 */
import * as path from "path";
import * as ts from "typescript";

export type Shape =
  | { kind: "string" | "number" | "boolean" }
  | { kind: "enum"; values: string[] }
  | { kind: "array"; items: Shape }
  | { kind: "object"; properties: Record<string, PropertyShape> };

export interface PropertyShape {
  shape: Shape;
  optional: boolean;
}

/** Pulumi's eventual-value wrappers: `Input<T>` is `T | Promise<T> | OutputInstance<T>`. */
const WRAPPERS = new Set(["Promise", "OutputInstance"]);

export class DeclarationReader {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;

  constructor(
    private readonly repoRoot: string,
    files: string[],
  ) {
    const configPath = path.join(repoRoot, "tsconfig.json");
    const config = ts.readConfigFile(configPath, ts.sys.readFile);
    const options = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot).options;
    this.program = ts.createProgram(
      files.map((f) => path.join(repoRoot, f)),
      { ...options, noEmit: true },
    );
    this.checker = this.program.getTypeChecker();
  }

  /** The shape of an exported interface (including what it inherits). */
  interfaceShape(file: string, name: string): Extract<Shape, { kind: "object" }> {
    const declaration = this.find(file, name, ts.isInterfaceDeclaration);
    const shape = this.shapeOf(this.checker.getTypeAtLocation(declaration.name), `${file}#${name}`);
    if (shape.kind !== "object") throw new Error(`${name} is not an object type`);
    return shape;
  }

  /**
   * The names of a class's own `pulumi.Output<...>` members, whether declared in its body or merged
   * in from an interface of the same name (inherited ones such as `urn` and `id` are left out).
   */
  classOutputNames(file: string, name: string): string[] {
    const declaration = this.find(file, name, ts.isClassDeclaration);
    const instance = this.checker.getDeclaredTypeOfSymbol(this.checker.getSymbolAtLocation(declaration.name!)!);
    return instance
      .getProperties()
      .filter((symbol) => (symbol.declarations ?? []).some((d) => !d.getSourceFile().fileName.includes("/node_modules/")))
      .filter((symbol) => /^Output(Instance)?</.test(this.checker.typeToString(this.checker.getTypeOfSymbolAtLocation(symbol, declaration))))
      .map((symbol) => symbol.name);
  }

  /** The string arguments of the `super(...)` call in a class's constructor: literals, or constants of a literal type. */
  superCallStrings(file: string, name: string): string[] {
    const declaration = this.find(file, name, ts.isClassDeclaration);
    const found: string[][] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) {
        const types = node.arguments.map((a) => this.checker.getTypeAtLocation(a));
        found.push(types.filter((t): t is ts.StringLiteralType => t.isStringLiteral()).map((t) => t.value));
      }
      ts.forEachChild(node, visit);
    };
    visit(declaration);
    if (found.length !== 1) throw new Error(`${name}: expected one super(...) call, found ${found.length}`);
    return found[0];
  }

  private find<T extends ts.Node & { name?: ts.Node }>(file: string, name: string, is: (n: ts.Node) => n is T): T {
    const source = this.program.getSourceFile(path.join(this.repoRoot, file));
    if (!source) throw new Error(`${file} is not in the program`);
    let result: T | undefined;
    const visit = (node: ts.Node): void => {
      if (is(node) && node.name?.getText(source) === name) result = node;
      else ts.forEachChild(node, visit);
    };
    visit(source);
    if (!result) throw new Error(`${name} not found in ${file}`);
    return result;
  }

  private shapeOf(type: ts.Type, where: string): Shape {
    const members = (type.isUnion() ? type.types : [type]).filter(
      (t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) && !WRAPPERS.has(t.getSymbol()?.getName() ?? ""),
    );
    if (members.length === 0) throw new Error(`${where}: no type left after removing wrappers`);
    if (members.every((t) => t.flags & ts.TypeFlags.BooleanLike)) return { kind: "boolean" };
    if (members.every((t) => t.isStringLiteral())) {
      return { kind: "enum", values: members.map((t) => (t as ts.StringLiteralType).value).sort() };
    }
    if (members.length > 1) throw new Error(`${where}: a union of ${members.map((t) => this.checker.typeToString(t)).join(" | ")}`);
    const [single] = members;
    if (single.flags & ts.TypeFlags.StringLike) return { kind: "string" };
    if (single.flags & ts.TypeFlags.NumberLike) return { kind: "number" };
    if (this.checker.isArrayType(single)) {
      const [element] = this.checker.getTypeArguments(single as ts.TypeReference);
      return { kind: "array", items: this.shapeOf(element, `${where}[]`) };
    }
    if (single.flags & ts.TypeFlags.Object) {
      const properties: Record<string, PropertyShape> = {};
      for (const symbol of this.checker.getPropertiesOfType(single)) {
        const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
        if (!declaration) throw new Error(`${where}.${symbol.name}: no declaration`);
        properties[symbol.name] = {
          shape: this.shapeOf(this.checker.getTypeOfSymbolAtLocation(symbol, declaration), `${where}.${symbol.name}`),
          optional: (symbol.flags & ts.SymbolFlags.Optional) !== 0,
        };
      }
      return { kind: "object", properties };
    }
    throw new Error(`${where}: unsupported type ${this.checker.typeToString(single)}`);
  }
}
