import Foundation

/// Another engine that runs the same SEARCH statements: a Milvus deployment, say.
///
/// The contract: `search` runs the statement remotely and returns a `SearchResult` whose hits
/// carry the remote ids (and the local ordinals where the id exists locally, `UInt32.max`
/// otherwise) and whose plan is the remote request as a plan node with its parameters and the
/// client-measured time. `plan` builds that node without running anything (EXPLAIN).
/// The engine never imports a network library: the backend lives in its own target and is
/// handed to a workbench by the executable.
public protocol SearchBackend: AnyObject, Sendable {
    /// How results, plans and reports name this backend, e.g. `milvus://127.0.0.1:19530`.
    var name: String { get }
    /// False for statements the embedded engine must serve itself (`USING flat`, the exact oracle).
    func handles(_ s: SearchStatement) -> Bool
    func search(_ s: SearchStatement, analyze: Bool, workbench: Workbench) throws -> SearchResult
    func plan(_ s: SearchStatement, workbench: Workbench) throws -> SearchResult
}

extension SearchBackend {
    public func handles(_ s: SearchStatement) -> Bool { s.near?.index?.lowercased() != "flat" }
}

extension Workbench {
    /// The vector field and query vector of a NEAR clause, as the embedded engine computes them
    /// (text is embedded by the built-in model, `DOC 'id'` reads the record's stored vector).
    public func nearQuery(_ near: NearClause, collection: String) throws -> (field: VectorFieldSchema, vector: [Float]) {
        let name = try near.field ?? defaultVectorField(collection)
        guard let field = try schema(collection).vectorField(name) else {
            throw EngineError.badParameter("'\(name)' is not a vector field of '\(collection)'")
        }
        return (field, try queryVector(near.target, collection: collection, field: name))
    }
}

// Public initializers for backends in other targets (label order differs from the memberwise ones).
extension ResultHit {
    public init(id: String, ordinal: UInt32, rank: Int, score: Double, branches: [String: (rank: Int, score: Float)] = [:], fusion: String? = nil) {
        self.ordinal = ordinal
        self.id = id
        self.rank = rank
        self.score = score
        self.branches = branches
        self.fusion = fusion
    }
}

extension SearchResult {
    public init(statement: SearchStatement, plan: PlanNode, hits: [ResultHit], planningMs: Double, executionMs: Double,
                exactRecall: [String: PlanRecall] = [:], terms: [String] = []) {
        self.statement = statement
        self.hits = hits
        self.plan = plan
        self.planningMs = planningMs
        self.executionMs = executionMs
        self.exactRecall = exactRecall
        self.terms = terms
    }
}
