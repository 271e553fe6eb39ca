# Tags are immutable: a tag is a commit SHA and always names the same image. Tasks run an
# image by its digest, which the tag resolves to once, at deploy time.
resource "aws_ecr_repository" "app" {
  name                 = module.names.ecr_repository
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.bootstrap.arn
  }
}

# Rules are applied in priority order, and an image a rule's tag filter selects is out of
# reach of every later rule. Every image an environment has run carries a deployed-<env>-<time>
# tag, so the first rule keeps it from the count rule: a quiet production keeps its image
# however many merges go by.
resource "aws_ecr_lifecycle_policy" "app" {
  repository = aws_ecr_repository.app.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Keep every image an environment has run for ${var.deployed_image_retention_days} days after its push"
        selection = {
          tagStatus     = "tagged"
          tagPrefixList = ["deployed-"]
          countType     = "sinceImagePushed"
          countUnit     = "days"
          countNumber   = var.deployed_image_retention_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Drop untagged images (interrupted pushes) after a day"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = 1
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 3
        description  = "Of the images no environment has run, keep the ${var.ecr_images_to_keep} most recent"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.ecr_images_to_keep
        }
        action = { type = "expire" }
      },
    ]
  })
}

# buildx's layer cache for the deploy workflow's build. A repository of its own, because the
# cache is one tag that every build overwrites, which the image repository refuses. Only the
# image publisher may write it: a cache that another role could write would let that role
# choose the layers of every image main builds.
resource "aws_ecr_repository" "build_cache" {
  # checkov:skip=CKV_AWS_51: the cache tag is rewritten by every build; nothing deploys from this repository
  name                 = module.names.build_cache_repository
  image_tag_mutability = "MUTABLE"
  force_delete         = true

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.bootstrap.arn
  }
}

resource "aws_ecr_lifecycle_policy" "build_cache" {
  repository = aws_ecr_repository.build_cache.name

  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Drop cache layers no build has referenced for a week"
      selection = {
        tagStatus   = "untagged"
        countType   = "sinceImagePushed"
        countUnit   = "days"
        countNumber = 7
      }
      action = { type = "expire" }
    }]
  })
}
