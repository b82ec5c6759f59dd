/** A part of the canvas as the rest of the room refers to it. */
export interface NodeRef {
  id: string
  label: string
}

/**
 * The canvas on screen as the rest of the room sees it: which parts are selected there (so a
 * rubric can link to one), and requests to bring a part into view (a rubric's evidence link).
 */
export class BoardLink {
  #selected: NodeRef[] = $state.raw([])
  #nodes: NodeRef[] = $state.raw([])
  #request: { nodeId: string; seq: number } | null = $state.raw(null)
  #seq = 0

  get selected(): NodeRef[] {
    return this.#selected
  }
  /** The parts on the board now: a link to one that was deleted can say so. */
  get nodes(): NodeRef[] {
    return this.#nodes
  }
  /** The latest "show this part" request; `seq` tells two requests for the same part apart. */
  get request(): { nodeId: string; seq: number } | null {
    return this.#request
  }

  /** The board reports what it shows and what is selected. */
  report(nodes: NodeRef[], selected: NodeRef[]): void {
    if (!sameRefs(nodes, this.#nodes)) this.#nodes = nodes
    if (!sameRefs(selected, this.#selected)) this.#selected = selected
  }

  /** Asks the board to select a part and centre it. */
  reveal(nodeId: string): void {
    this.#request = { nodeId, seq: ++this.#seq }
  }

  has(nodeId: string): boolean {
    return this.#nodes.some((n) => n.id === nodeId)
  }
}

function sameRefs(a: NodeRef[], b: NodeRef[]): boolean {
  return a.length === b.length && a.every((n, i) => n.id === b[i]!.id && n.label === b[i]!.label)
}
