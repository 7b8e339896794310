function outer(a: number): number {
  const inner = (b: number): number => b * 2;
  function deep(c: number) {
    return c + 1;
  }
  return inner(a) + deep(a);
}
console.log(outer.toString());
