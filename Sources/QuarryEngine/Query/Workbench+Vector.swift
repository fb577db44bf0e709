import Foundation

/// The vector branch of a plan.
struct VectorPlan {
    var node: PlanNode
}

extension Workbench {
    func planVectorBranch(_ s: SearchStatement, near: NearClause, window: Int, filterEstimate: Double?) throws -> VectorPlan {
        throw EngineError.unsupported("NEAR needs a vector index; build one with: quarry index --collection \(s.collection) --vector embedding --type hnsw")
    }

    func runVectorBranch(_ plan: VectorPlan, allowed: Bitmap?, filterNode: PlanNode?, clock: () -> Double, analyze: Bool) throws -> BranchOutcome {
        throw EngineError.unsupported("vector search is not available")
    }
}
